// One `npm run grade` over a class folder, as an instructor runs it: hostile
// submissions beside copies of the solution, every output format at once.
// The batch must finish with a truthful row for each, no stray files, no
// forged score, and every file readable by the tool that consumes it.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GradeRun, SubmissionResult } from '../../grader/results/types.ts';
import { launchChromium } from '../reports/html/browser.ts';
import { pwnedPaths } from '../sandbox/helpers.ts';

const HOSTILE = ['throw-at-import', 'loop-at-import', 'exit-in-handler', 'write-file', 'spawn-process', 'worker-thread', 'read-outside', 'fake-score'];
const PWNED = ['write-file', 'spawn-process', 'worker-thread'].flatMap(pwnedPaths);

const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-class-test-'));
const classDir = join(dir, 'class');
const out = join(dir, 'out');
let code: number | null;
let stderr = '';
let run: GradeRun;

function byName(name: string): SubmissionResult {
  const found = run.submissions.find((s) => s.name === name);
  if (!found) throw new Error(`no row for ${name}`);
  return found;
}

beforeAll(async () => {
  for (const file of PWNED) rmSync(file, { force: true });
  for (const name of HOSTILE) cpSync(join('test/fixtures/hostile', name), join(classDir, name), { recursive: true });
  cpSync('solution', join(classDir, 'solution-a'), { recursive: true });
  cpSync('solution', join(classDir, 'solution-b'), { recursive: true });
  cpSync('starter/app.ts', join(classDir, 'starter.ts'));
  const args = [
    classDir,
    '--tier', 'core',
    '--start-timeout', '3000',
    '--json', join(out, 'class.json'),
    '--csv', join(out, 'class.csv'),
    '--junit', join(out, 'class.xml'),
    '--html', join(out, 'class.html'),
    '--gradescope', join(out, 'gradescope'),
    '--classroom', join(out, 'classroom.json'),
  ];
  code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'grader/cli/grade.ts', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  run = JSON.parse(readFileSync(join(out, 'class.json'), 'utf8')) as GradeRun;
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the batch completes with one truthful row per submission', () => {
  expect(code, stderr).toBe(1);
  expect(run.submissions.map((s) => s.name).sort()).toEqual([...HOSTILE, 'solution-a', 'solution-b', 'starter'].sort());
  expect(byName('throw-at-import').status).toBe('load-error');
  expect(byName('throw-at-import').statusDetail).toMatch(/app\.ts:\d+/);
  expect(byName('loop-at-import').status).toBe('load-error');
  expect(byName('loop-at-import').statusDetail).toMatch(/did not start/);
  expect(byName('exit-in-handler').status).toBe('crashed');
  expect(byName('exit-in-handler').statusDetail).toMatch(/process\.exit/);
  for (const name of ['write-file', 'spawn-process', 'worker-thread', 'read-outside', 'fake-score', 'starter']) {
    expect(byName(name).status, name).toBe('graded');
    expect(byName(name).score, name).toBe(0);
  }
});

test('a hostile batch leaves the solutions\' results as they are alone', () => {
  for (const name of ['solution-a', 'solution-b']) {
    const result = byName(name);
    expect(result.status).toBe('graded');
    expect(result.score).toBe(result.maxScore);
    expect(result.maxScore).toBe(60);
  }
});

test('no file appears outside the grader\'s temp folder', () => {
  for (const file of PWNED) expect(existsSync(file), file).toBe(false);
  expect(readdirSync(classDir).sort()).toEqual([...HOSTILE, 'solution-a', 'solution-b', 'starter.ts'].sort());
});

test('a score printed by the submission is captured, never believed', () => {
  const fake = byName('fake-score');
  expect(fake.output.stdout).toMatch(/100\s*\/\s*100/);
  expect(fake.score).toBe(0);
});

test('CSV: one row per submission, scores as graded', () => {
  const rows = parseCsv(readFileSync(join(out, 'class.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(rows).toHaveLength(run.submissions.length);
  const solution = rows.find((r) => r.name === 'solution-a');
  expect(Number(solution?.score)).toBe(60);
});

test('JUnit: one testsuite per submission, one testcase per test and server', () => {
  const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' });
  const doc = xml.parse(readFileSync(join(out, 'class.xml'), 'utf8')) as {
    testsuites: { testsuite: Array<{ '@_name': string; testcase?: unknown[] }> };
  };
  expect(doc.testsuites.testsuite).toHaveLength(run.submissions.length);
  const solution = doc.testsuites.testsuite.find((s) => s['@_name'] === 'solution-a');
  expect(solution?.testcase).toHaveLength(byName('solution-a').tests.length * 2);
});

test('Gradescope: a results.json per submission; Classroom: one result per submission', () => {
  const files = readdirSync(join(out, 'gradescope'));
  expect(files).toHaveLength(run.submissions.length);
  for (const file of files) {
    const results = JSON.parse(readFileSync(join(out, 'gradescope', file), 'utf8')) as { score: number; tests: unknown[] };
    expect(typeof results.score).toBe('number');
    expect(Array.isArray(results.tests)).toBe(true);
  }
  const classroom = JSON.parse(readFileSync(join(out, 'classroom.json'), 'utf8')) as unknown;
  const entries = Array.isArray(classroom) ? classroom : [classroom];
  expect(entries.length).toBeGreaterThanOrEqual(1);
  for (const entry of entries) expect((entry as { version: number }).version).toBe(1);
});

test('HTML: the page shows the class in Chromium, one row per submission', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(join(out, 'class.html')).href;
    await page.goto(url);
    expect(await page.locator('.mbody .mrow').count()).toBe(run.submissions.length);
    const cells = await page.$$eval('.mbody .mrow', (rows) => rows.map((r) => r.querySelectorAll('.sub').length));
    expect(new Set(cells)).toEqual(new Set([byName('solution-a').tests.length * 2]));
    const solution = page.locator('.mbody .mrow', { hasText: 'solution-a' });
    expect(new Set(await solution.locator('.sub').allTextContents())).toEqual(new Set(['✓']));
    expect(requests).toEqual([url]);
  } finally {
    await browser.close();
  }
});
