// The engine end to end on small apps of our own (test/engine/fixtures): one
// class run shared by every assertion, real app processes, real HTTP.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { GradeOptions, ProgressEvent } from '../../grader/engine/index.ts';
import type { GradeRun, SubmissionResult } from '../../grader/results/types.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const options: GradeOptions = {
  suiteFiles: [join(fixtures, 'mini.suite.ts')],
  testsDir: join(fixtures, 'hidden'),
  requestTimeoutMs: 1000,
};
const APPS = ['good', 'hang', 'crash', 'picky', 'violation', 'no-export'];

const classDir = mkdtempSync(join(tmpdir(), 'todo-wsgi-engine-test-'));
let run: GradeRun;

/** The entry files vitest's results cache knows of (the project's own test runs write it too). */
function cachedEntryFiles(): Set<string> {
  const root = fileURLToPath(new URL('../../node_modules/.vite/vitest/', import.meta.url));
  const keys = new Set<string>();
  for (const dir of existsSync(root) ? readdirSync(root) : []) {
    const file = join(root, dir, 'results.json');
    if (!existsSync(file)) continue;
    const cache = JSON.parse(readFileSync(file, 'utf8')) as { results?: Array<[string, unknown]> };
    for (const [key] of cache.results ?? []) if (key.endsWith('.grade.mjs')) keys.add(key);
  }
  return keys;
}
let cachedBefore: Set<string>;

beforeAll(async () => {
  for (const app of APPS) copyFileSync(join(fixtures, 'apps', `${app}.ts`), join(classDir, `${app}.ts`));
  // Not in the repository: it would break the project's typecheck.
  mkdirSync(join(classDir, 'syntax'));
  writeFileSync(join(classDir, 'syntax', 'app.ts'), 'export function application(environ, startResponse) {\n  return [;\n}\n');
  cachedBefore = cachedEntryFiles();
  run = await grade([classDir], options);
}, 180_000);

afterAll(() => rmSync(classDir, { recursive: true, force: true }));

function submission(name: string): SubmissionResult {
  const found = run.submissions.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no submission ${name}`);
  return found;
}

function failing(sub: SubmissionResult): string[] {
  return sub.tests.flatMap((t) => Object.values(t.outcomes).filter((o) => o.status !== 'passed').map((o) => `${t.id} [${o.server}]`));
}

test('every submission of the class is graded, in folder order', () => {
  expect(run.submissions.map((s) => s.name)).toEqual(['crash', 'good', 'hang', 'no-export', 'picky', 'syntax', 'violation']);
  expect(run.options.hiddenTests).toBe(true);
});

test('a correct app gets full marks on both servers', () => {
  const good = submission('good');
  expect(good).toMatchObject({ status: 'graded', score: 8, maxScore: 8, richardsonLevel: 3 });
  expect(good.servers).toEqual({ simple: { score: 4, max: 4 }, socket: { score: 4, max: 4 } });
  expect(good.tiers).toEqual({ core: { score: 7, max: 7 }, 2: { score: 1, max: 1 } });
  const root = good.tests.find((t) => t.id === 'mini.root')?.outcomes.simple;
  expect(root?.transcript[0]?.response?.status).toBe(200);
  expect(root?.curl).toEqual(['curl -i http://127.0.0.1:8000/']);
  // The environ is kept only where a test failed somewhere (it is most of a class's results).
  expect(root?.transcript[0]?.environ).toBeUndefined();
});

test("grading adds nothing to vitest's results cache (it would grow by one entry per submission, forever)", () => {
  expect([...cachedEntryFiles()].filter((key) => !cachedBefore.has(key))).toEqual([]);
});

test('tests from --tests are marked hidden', () => {
  const tests = submission('good').tests;
  expect(tests.find((t) => t.id === 'hidden.root-again')?.visibility).toBe('hidden');
  expect(tests.find((t) => t.id === 'mini.root')?.visibility).toBe('visible');
});

describe('load errors', () => {
  test('a syntax error fails every test with file:line, without starting a process', () => {
    const sub = submission('syntax');
    expect(sub.status).toBe('load-error');
    expect(sub.statusDetail).toMatch(/^app\.ts:2:\d+: /);
    expect(sub.score).toBe(0);
    expect(sub.maxScore).toBe(8);
    for (const t of sub.tests) for (const o of Object.values(t.outcomes)) expect(o.failure?.message).toBe(sub.statusDetail);
  });

  test('no `application` export is a load error naming the export', () => {
    const sub = submission('no-export');
    expect(sub.status).toBe('load-error');
    expect(sub.statusDetail).toMatch(/application/);
    expect(failing(sub)).toHaveLength(12);
  });
});

test('a hanging handler fails exactly its tests ("an infinite loop?") and grading goes on', () => {
  const sub = submission('hang');
  expect(sub.status).toBe('graded');
  expect(failing(sub)).toEqual(['mini.slow [simple]', 'mini.slow [socket]']);
  const slow = sub.tests.find((t) => t.id === 'mini.slow');
  expect(slow?.outcomes.simple?.failure?.message).toBe('no answer within 1 s — an infinite loop?');
  // The tests after the hang ran on a fresh process.
  expect(sub.tests.find((t) => t.id === 'mini.extra')?.outcomes.socket?.status).toBe('passed');
});

test('an app that ends its process is "crashed", with the reason on the test that did it', () => {
  const sub = submission('crash');
  expect(sub.status).toBe('crashed');
  expect(failing(sub)).toEqual(['mini.slow [simple]', 'mini.slow [socket]']);
  expect(sub.tests.find((t) => t.id === 'mini.slow')?.outcomes.socket?.failure?.message).toMatch(/^the app process stopped: .*exit/);
});

test('portability: a test passing on one server only names the environ key that differed', () => {
  const sub = submission('picky');
  const noType = sub.tests.find((t) => t.id === 'mini.no-type');
  expect(noType?.portability?.passedOn).toBe('socket');
  expect(noType?.portability?.failedOn).toBe('simple');
  expect(noType?.portability?.environDiff[0]).toEqual({ key: 'CONTENT_TYPE', simple: 'text/plain' });
  expect(noType?.outcomes.socket?.transcript[0]?.environ?.REQUEST_METHOD).toBe('POST');
  expect(sub.tests.filter((t) => t.portability !== undefined)).toHaveLength(1);
});

test('a contract violation is the failure of the test that triggered it, with its rule and fix', () => {
  const failure = submission('violation').tests.find((t) => t.id === 'mini.create')?.outcomes.simple?.failure;
  // The test's own message stays first; the violation is attached to it, with its code and fix.
  expect(failure?.message).toMatch(/^expected status 201, got 500.* — the app broke the WSGI contract: .*reason phrase/);
  expect(failure?.violation?.code).toBeTruthy();
  expect(failure?.violation?.fix).toBeTruthy();
});

test('grading again gives the same scores', async () => {
  const again = await grade(['good', 'picky', 'violation'].map((app) => join(classDir, `${app}.ts`)), options);
  const scores = (subs: SubmissionResult[]): unknown => subs.map((s) => [s.name, s.status, s.score, s.richardsonLevel,
    s.tests.map((t) => [t.id, t.outcomes.simple?.status, t.outcomes.socket?.status])]);
  expect(scores(again.submissions)).toEqual(scores(['good', 'picky', 'violation'].map(submission)));
}, 120_000);

test('the per-submission time limit fails the tests not reached, with status "timeout"', async () => {
  const limited = await grade([join(classDir, 'good.ts')], { ...options, submissionTimeoutMs: 1 });
  const sub = limited.submissions[0];
  expect(sub?.status).toBe('timeout');
  expect(sub?.statusDetail).toMatch(/grading stopped after 1 ms/);
  expect(sub?.score).toBe(0);
  const messages = new Set(sub?.tests.flatMap((t) => Object.values(t.outcomes).map((o) => o.failure?.message)));
  expect([...messages]).toEqual(['not run: grading this submission took longer than 1 ms (--timeout)']);
}, 60_000);

test('with typecheck, a type error is a load error found before grading; the rest is graded as before', async () => {
  const dir = join(classDir, 'typecheck');
  mkdirSync(dir);
  copyFileSync(join(classDir, 'good.ts'), join(dir, 'good.ts'));
  writeFileSync(join(dir, 'typed.ts'), readFileSync(join(classDir, 'good.ts'), 'utf8').replace("startResponse('200 OK', [['Content-Type', 'application/json']]);", "startResponse(200, [['Content-Type', 'application/json']]);"));
  const events: ProgressEvent[] = [];
  const checked = await grade([dir], { ...options, typecheck: true }, (event) => events.push(event));
  expect(checked.options.typecheck).toBe(true);
  expect(checked.submissions.map((s) => [s.name, s.status, s.score])).toEqual([['good', 'graded', 8], ['typed', 'load-error', 0]]);
  expect(checked.submissions[1]?.statusDetail).toMatch(/^typed\.ts:\d+:\d+: type error TS2345: /);
  // npm run serve would run it fine: the hint names what shows the error.
  expect(checked.submissions[1]?.tests[0]?.outcomes.simple?.failure?.hint).toMatch(/--typecheck/);
  expect(checked.submissions[0]?.tests.every((t) => t.outcomes.simple?.failure?.hint?.includes('--typecheck') !== true)).toBe(true);
  expect(events.map((e) => e.type)).toEqual(['typecheck', 'typecheck', 'typecheck', 'start', 'submission', 'submission']);
  expect(run.options.typecheck).toBe(false);
}, 60_000);

test('a request that left a new app stuck is not sent again by later tests: they fail at once, the same way', async () => {
  const repeated = await grade([join(classDir, 'hang.ts')], { suiteFiles: [join(fixtures, 'repeat-hang.suite.ts')], requestTimeoutMs: 1000 });
  const sub = repeated.submissions[0]!;
  expect(sub.status).toBe('graded');
  for (const server of ['simple', 'socket'] as const) {
    const outcomes = sub.tests.map((t) => [t.id, t.outcomes[server]!] as const);
    expect(outcomes.map(([id, o]) => [id, o.status])).toEqual([
      ['repeat.slow-1', 'failed'], ['repeat.slow-2', 'failed'], ['repeat.slow-3', 'failed'], ['repeat.root', 'passed'],
    ]);
    const messages = outcomes.slice(0, 3).map(([, o]) => o.failure?.message);
    // The tests of a group run in order: the first waits, the others know.
    expect(messages[0]).toBe('no answer within 1 s — an infinite loop?');
    expect(messages.slice(1)).toEqual(Array(2).fill('no answer within 1 s — an infinite loop? (the same requests left a new app stuck in an earlier test, so they were not sent again)'));
    // Not sent: the exchange is the request alone, with why it got no answer.
    expect(outcomes[1]![1].transcript).toMatchObject([{ request: { method: 'GET', target: '/slow' }, durationMs: 0, error: messages[1] }]);
    expect(outcomes[1]![1].transcript[0]?.response).toBeUndefined();
  }
}, 60_000);
