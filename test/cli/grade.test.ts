// `npm run grade` as a user runs it: a real process, exit codes, one-line errors, files.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GradeRun } from '../../grader/results/types.ts';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runGrade(args: string[], env: NodeJS.ProcessEnv = { NO_COLOR: '1' }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'grader/cli/grade.ts', ...args], {
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-cli-test-'));
let solution: Result;
let starter: Result;
let broken: Result;
let typed: Result;
let untyped: Result;
let chosen: Result;
let printing: Result;
let all: Result;
/** Resets every connection, as a firewall would: the grader is pointed at it instead of the app (WSGI_KIT_CONNECT_TO). */
const firewall = createServer((socket) => socket.resetAndDestroy());

beforeAll(async () => {
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'app.ts'), 'export function application(environ, startResponse) {\n  return [;\n}\n');
  // The starter with a type error: it still runs, so only --typecheck objects.
  writeFileSync(join(dir, 'typed.ts'), readFileSync('starter/app.ts', 'utf8').replace("startResponse('501 Not Implemented', headers);", "startResponse(501, headers);"));
  // The starter, printing as students debug: console.log, console.error and wsgi.errors.
  writeFileSync(join(dir, 'printing.ts'), readFileSync('starter/app.ts', 'utf8').replace(
    "startResponse('501 Not Implemented', headers);",
    "console.log('saw', environ.REQUEST_METHOD, environ.PATH_INFO); console.error('to stderr'); (environ['wsgi.errors'] as { write(s: string): void }).write('to wsgi.errors\\n'); startResponse('501 Not Implemented', headers);",
  ));
  [solution, starter, broken, typed, untyped, chosen, printing, all] = await Promise.all([
    runGrade(['solution/app.ts', '--tier', 'core']),
    runGrade(['starter/app.ts', '--tier', 'core', '--json', join(dir, 'out', 'starter.json')]),
    runGrade([join(dir, 'broken'), '--json', join(dir, 'broken.json')]),
    runGrade([join(dir, 'typed.ts'), '--typecheck', '--tier', 'core']),
    runGrade([join(dir, 'typed.ts'), '--tier', 'core']),
    runGrade(['solution', '--test', 'core.create', '--test', 'EMPTY JSON ARRAY', '--server', 'socket', '--json', join(dir, 'chosen.json')]),
    runGrade([join(dir, 'printing.ts'), '--test', 'core.list.empty-array'], { FORCE_COLOR: '1' }),
    runGrade(['solution', '--tier', 'all']),
  ]);
}, 180_000);

afterAll(() => {
  firewall.close();
  rmSync(dir, { recursive: true, force: true });
});

test('exit 0 when every selected test passed', () => {
  expect(solution.stderr).toBe('');
  expect(solution.code).toBe(0);
  expect(solution.stdout).toMatch(/total/);
});

test('--tier all: level 4 runs on prefork where Node has node:sqlite, and is skipped with the reason where not; exit 0 either way', () => {
  expect(all.stderr).toBe('');
  expect(all.code).toBe(0);
  expect(all.stdout).toMatch(/servers +simple, socket, prefork/);
  if (process.getBuiltinModule('node:sqlite') !== undefined) {
    expect(all.stdout).toMatch(/^Level 4: state that survives the server +15\/15$/m);
    expect(all.stdout).toMatch(/✓ all \d+ tests pass on prefork/);
  } else {
    expect(all.stdout).toMatch(/^ {2}– not run: level 4 needs node:sqlite, which Node 22\.13\+ has; this is Node/m);
  }
});

test('a full score fits on one screen; the untouched starter says where to start first', () => {
  expect(all.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(30);
  expect(solution.stdout).toMatch(/✓ all \d+ tests pass on simple and socket/);
  const start = starter.stdout.indexOf('Where to start');
  expect(start).toBeGreaterThan(0);
  expect(start).toBeLessThan(starter.stdout.indexOf('Core: the exercise'));
});

// On its own, after the others: its app processes are restarted after each connection it loses.
test('exit 2 when the app cannot be reached, with a line that does not blame the code; the files are written anyway', async () => {
  const firewallPort = await new Promise<number>((resolve) => firewall.listen(0, '127.0.0.1', () => resolve((firewall.address() as { port: number }).port)));
  const unreachable = await runGrade(['starter/app.ts', '--tier', 'core', '--json', join(dir, 'unreachable.json')], { NO_COLOR: '1', WSGI_KIT_CONNECT_TO: `127.0.0.1:${firewallPort}` });
  expect(unreachable.code).toBe(2);
  const lines = unreachable.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^grade: not graded: the grader could not connect to the app on simple and socket, .* — not a problem in the submitted code$/);
  expect(unreachable.stdout).toContain('Not graded');
  // The starter answers 501 everywhere, yet it is not told to start with GET /todos: it was never reached.
  expect(unreachable.stdout + unreachable.stderr).not.toMatch(/Where to start|Start with GET \/todos|501/);
  const run = JSON.parse(readFileSync(join(dir, 'unreachable.json'), 'utf8')) as GradeRun;
  expect(run.submissions[0]?.status).toBe('unreachable');
}, 120_000);

test('exit 1 when some failed; --json writes the run (folders created as needed)', () => {
  expect(starter.code).toBe(1);
  const run = JSON.parse(readFileSync(join(dir, 'out', 'starter.json'), 'utf8')) as GradeRun;
  expect(run.tool).toBe('todo-wsgi');
  expect(run.options.tiers).toEqual(['core']);
  expect(run.submissions[0]?.status).toBe('graded');
  expect(run.submissions[0]?.tests.every((t) => t.tier === 'core')).toBe(true);
});

test('exit 2 with one line for an app that cannot be loaded; the files are written anyway', () => {
  expect(broken.code).toBe(2);
  expect(broken.stdout).toBe('');
  expect(broken.stderr).toMatch(/^grade: app\.ts:2:\d+: .+\n$/);
  const run = JSON.parse(readFileSync(join(dir, 'broken.json'), 'utf8')) as GradeRun;
  expect(run.submissions[0]?.status).toBe('load-error');
});

test('--typecheck: a type error is a load error (exit 2, one line with file:line:col); without it the app is graded', () => {
  expect(typed.code).toBe(2);
  expect(typed.stdout).toBe('');
  expect(typed.stderr).toMatch(/^grade: typed\.ts:\d+:\d+: type error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'\.\n$/);
  expect(untyped.code).toBe(1);
  expect(untyped.stderr).toBe('');
});

test('usage errors: exit 2, one line, no stack trace', async () => {
  const results = await Promise.all([
    runGrade(['--bogus']),
    runGrade(['no/such/folder']),
    runGrade(['--tier', 'gold']),
    runGrade(['--jobs', 'zero']),
    runGrade(['--json', '--tier', 'core']),
  ]);
  expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
  expect(results.map((r) => r.stderr)).toEqual([
    'grade: unknown option --bogus (see --help)\n',
    'grade: no such file or folder: no/such/folder\n',
    'grade: --tier: unknown tier "gold" (use core, 2, 3, 4 or all)\n',
    'grade: --jobs: expected a whole number ≥ 1, got "zero"\n',
    'grade: --json needs a value, not the option --tier (write --json=--tier if that is the value)\n',
  ]);
}, 60_000);

test('--help prints the usage and exits 0', async () => {
  const help = await runGrade(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Grade WSGI to-do apps/);
  expect(help.stdout).toMatch(/--tier core\|2\|3\|4\|all/);
  expect(help.stdout).toMatch(/--runs N +random runs per property test \(default: 15\)/);
});

test('--test and --server: only the chosen tests, on the chosen server', () => {
  expect(chosen.code).toBe(0);
  const run = JSON.parse(readFileSync(join(dir, 'chosen.json'), 'utf8')) as GradeRun;
  expect(run.options.servers).toEqual(['socket']);
  expect(run.options.only).toEqual(['core.create', 'EMPTY JSON ARRAY']);
  const ids = run.submissions[0]!.tests.map((t) => t.id);
  expect(ids).toContain('core.list.empty-array');
  expect(ids.length).toBeGreaterThan(2);
  expect(ids.filter((id) => id !== 'core.list.empty-array').every((id) => id.startsWith('core.create'))).toBe(true);
  expect(run.submissions[0]!.tests.every((t) => Object.keys(t.outcomes).join() === 'socket')).toBe(true);
  expect(chosen.stdout).toMatch(/tests +only "core\.create", "EMPTY JSON ARRAY" \(--test\)/);
});

test('a failing test shows what the app printed during it, tagged by stream; FORCE_COLOR colours a pipe', () => {
  expect(printing.code).toBe(1);
  const plain = printing.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  expect(printing.stdout).not.toBe(plain);
  expect(plain).toMatch(/printed +saw GET \/todos\n +\[stderr\] to stderr\n +\[wsgi\.errors\] to wsgi\.errors\n/);
  // Alike on both servers, so explained once, with what the app printed on the first.
  expect(plain.match(/saw GET \/todos/g)).toHaveLength(1);
});

test('a selector that matches nothing is a usage error naming ids it could have meant', async () => {
  const run = await runGrade(['solution', '--test', 'core.crate']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^grade: --test "core\.crate" matches no test of the selected tiers \(ids look like core\.[a-z.-]+, /);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
}, 60_000);

test('-h and --version answer at once', async () => {
  const [help, version] = await Promise.all([runGrade(['-h']), runGrade(['--version'])]);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--test ID\|TEXT/);
  expect(help.stdout).toMatch(/--server simple\|socket/);
  expect(help.stdout).toMatch(/--version/);
  expect(version.code).toBe(0);
  expect(version.stdout).toBe(`todo-wsgi 0.1.0 (node ${process.version})\n`);
});
