// `npm run grade` as a user runs it: a real process, exit codes, one-line errors, files.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseArgs } from '../../grader/cli/args.ts';
import type { GradeRun } from '../../grader/results/types.ts';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runGrade(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'grader/cli/grade.ts', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
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

beforeAll(async () => {
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'app.ts'), 'export function application(environ, startResponse) {\n  return [;\n}\n');
  // The starter with a type error: it still runs, so only --typecheck objects.
  writeFileSync(join(dir, 'typed.ts'), readFileSync('starter/app.ts', 'utf8').replace("startResponse('501 Not Implemented', headers);", "startResponse(501, headers);"));
  [solution, starter, broken, typed, untyped] = await Promise.all([
    runGrade(['solution/app.ts', '--tier', 'core']),
    runGrade(['starter/app.ts', '--tier', 'core', '--json', join(dir, 'out', 'starter.json')]),
    runGrade([join(dir, 'broken'), '--json', join(dir, 'broken.json')]),
    runGrade([join(dir, 'typed.ts'), '--typecheck', '--tier', 'core']),
    runGrade([join(dir, 'typed.ts'), '--tier', 'core']),
  ]);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('exit 0 when every selected test passed', () => {
  expect(solution.stderr).toBe('');
  expect(solution.code).toBe(0);
  expect(solution.stdout).toMatch(/total/);
});

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
  ]);
  expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
  expect(results.map((r) => r.stderr)).toEqual([
    'grade: unknown option --bogus (see --help)\n',
    'grade: no such file or folder: no/such/folder\n',
    'grade: --tier: unknown tier "gold" (use core, 2, 3 or all)\n',
    'grade: --jobs: expected a whole number ≥ 1, got "zero"\n',
  ]);
}, 60_000);

test('--help prints the usage and exits 0', async () => {
  const help = await runGrade(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Grade WSGI to-do apps/);
  expect(help.stdout).toMatch(/--tier core\|2\|3\|all/);
  expect(help.stdout).toMatch(/--runs N +random runs per property test \(default: 15\)/);
});

test('arguments: defaults, --opt=value, tier lists, paths after --', () => {
  expect(parseArgs([])).toMatchObject({ paths: ['starter/app.ts'], tiers: ['core', '2', '3'], watch: false, help: false });
  expect(parseArgs(['a.ts', '--tier=3,core', '--jobs', '4', '--timeout=9000', '--no-color'])).toMatchObject({
    paths: ['a.ts'], tiers: ['core', '3'], jobs: 4, submissionTimeoutMs: 9000, color: false,
  });
  expect(parseArgs(['--', '--weird-name.ts']).paths).toEqual(['--weird-name.ts']);
  expect(() => parseArgs(['--json'])).toThrow('--json needs a value (see --help)');
  expect(() => parseArgs(['--watch=yes'])).toThrow('--watch takes no value');
  expect(parseArgs(['--typecheck']).typecheck).toBe(true);
  expect(parseArgs([]).typecheck).toBe(false);
});
