/**
 * run_autograder in a temp folder laid out like Gradescope's /autograder
 * (source, submission, results), through AUTOGRADER_ROOT. Whatever happens,
 * results.json must exist and be what Gradescope reads.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROJECT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = join(PROJECT, 'autograder', 'gradescope', 'run_autograder');
const CLI = join(PROJECT, 'grader', 'cli', 'grade.ts');
const hasCli = existsSync(CLI);

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

interface Layout {
  /** The project itself (symlinked), or an empty folder standing for a source without npm ci. */
  source: 'project' | 'empty';
  files: Record<string, string>;
  /** The grade-options file that autograder:zip writes: the source is then the project's parts, linked one by one. */
  gradeOptions?: string;
}

function layOut(layout: Layout): string {
  const root = mkdtempSync(join(tmpdir(), 'gradescope-'));
  roots.push(root);
  // Directories are linked as junctions: Windows makes those without administrator rights (the type is ignored elsewhere).
  if (layout.source === 'project' && layout.gradeOptions === undefined) symlinkSync(PROJECT, join(root, 'source'), 'junction');
  else mkdirSync(join(root, 'source'));
  if (layout.source === 'project' && layout.gradeOptions !== undefined) {
    for (const part of ['grader', 'node_modules', 'package.json', 'tsconfig.json']) {
      symlinkSync(join(PROJECT, part), join(root, 'source', part), part.endsWith('.json') ? 'file' : 'junction');
    }
    writeFileSync(join(root, 'source', 'grade-options'), layout.gradeOptions);
  }
  mkdirSync(join(root, 'submission'));
  for (const [name, text] of Object.entries(layout.files)) {
    const path = join(root, 'submission', name);
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return root;
}

interface Run {
  status: number | null;
  stdout: string;
  results: unknown;
}

function runAutograder(root: string, timeLimitS = 170): Run {
  const child = spawnSync('bash', [SCRIPT], {
    cwd: root,
    env: { ...process.env, AUTOGRADER_ROOT: root, AUTOGRADER_TIME_LIMIT: String(timeLimitS) },
    encoding: 'utf8',
    timeout: (timeLimitS + 20) * 1000,
  });
  const path = join(root, 'results', 'results.json');
  return { status: child.status, stdout: child.stdout, results: existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined };
}

interface ResultsTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
}
interface Results {
  score: number;
  output: string;
  tests: ResultsTest[];
}

/** Typed checks of what Gradescope reads. */
function asResults(value: unknown): Results {
  expect(value).toBeTypeOf('object');
  const r = value as Record<string, unknown>;
  expect(r.score).toBeTypeOf('number');
  expect(Number.isFinite(r.score)).toBe(true);
  expect(r.output).toBeTypeOf('string');
  expect(r.stdout_visibility).toBe('hidden');
  expect(Array.isArray(r.tests)).toBe(true);
  for (const t of r.tests as Array<Record<string, unknown>>) {
    expect(t.name).toBeTypeOf('string');
    expect(t.score).toBeTypeOf('number');
    expect(t.max_score).toBeTypeOf('number');
    // Optional in Gradescope's format: a test skipped on this machine (level 4 without node:sqlite) has none.
    if (Array.isArray(t.tags) && t.tags.includes('skipped')) expect(t.status).toBeUndefined();
    else expect(['passed', 'failed']).toContain(t.status);
  }
  return value as Results;
}

describe('run_autograder without the grader available', () => {
  it('writes a fallback results.json when the dependencies are not installed', () => {
    const root = layOut({ source: 'empty', files: { 'app.ts': 'export const application = 1;\n' } });
    const run = runAutograder(root, 20);
    expect(run.status).toBe(0);
    const r = asResults(run.results);
    expect(r.score).toBe(0);
    expect(r.output).toContain('dependencies are not installed');
  });

  it('writes a fallback naming what was received when there is no app.ts', () => {
    const root = layOut({ source: 'project', files: { 'README.md': 'hi', 'notes/a.txt': 'x', 'a.ts': '', 'b.ts': '' } });
    const r = asResults(runAutograder(root, 20).results);
    expect(r.score).toBe(0);
    expect(r.output).toContain('No app.ts found');
    expect(r.output).toContain('README.md');
  });

  it('finds app.ts at the top, a single .ts file, the kit\'s starter/app.ts, or app.ts in one subfolder', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'app.ts': '', 'routes.ts': '' }, /submission \S*\/submission$/m],
      [{ 'mine.ts': '' }, /submission \S*\/submission\/mine\.ts$/m],
      [{ 'starter/app.ts': '', 'solution/app.ts': '', 'package.json': '{}' }, /submission \S*\/submission\/starter$/m],
      [{ 'my-project/app.ts': '', 'my-project/todos.ts': '' }, /submission \S*\/submission\/my-project$/m],
    ];
    for (const [files, expected] of cases) {
      const run = runAutograder(layOut({ source: 'empty', files }), 20);
      expect(run.stdout).toMatch(expected);
      asResults(run.results);
    }
  });
});

describe.skipIf(!hasCli)('run_autograder with the grader', () => {
  it('grades the reference solution: a valid results.json with per-server tests', { timeout: 200_000 }, () => {
    const root = layOut({ source: 'project', files: {} });
    cpSync(join(PROJECT, 'solution'), join(root, 'submission'), { recursive: true });
    const run = runAutograder(root);
    expect(run.status).toBe(0);
    const r = asResults(run.results);
    expect(r.tests.length).toBeGreaterThan(0);
    expect(r.tests.every((t) => / \[(simple|socket|prefork)\]$/.test(t.name))).toBe(true);
    // Level 4 runs on prefork only, every other test on simple and socket.
    const prefork = r.tests.filter((t) => t.name.endsWith(' [prefork]'));
    expect(prefork.length).toBeGreaterThan(0);
    expect(prefork.every((t) => /\bl4\./.test(t.name) || /state|worker/i.test(t.name))).toBe(true);
    expect(r.score).toBeGreaterThan(0);
    expect(r.score).toBeCloseTo(r.tests.reduce((n, t) => n + t.score, 0));
    expect(existsSync(join(root, 'results', 'results.grader.json'))).toBe(false);
  });

  it('passes the options of grade-options: with --typecheck, a type error scores 0 and is named', { timeout: 200_000 }, () => {
    const starter = readFileSync(join(PROJECT, 'starter', 'app.ts'), 'utf8');
    const typed = starter.replace("startResponse('501 Not Implemented', headers);", 'startResponse(501, headers);');
    expect(typed).not.toBe(starter);
    const root = layOut({ source: 'project', files: { 'app.ts': typed }, gradeOptions: '--typecheck\n' });
    const run = runAutograder(root);
    expect(run.status).toBe(0);
    const r = asResults(run.results);
    expect(r.score).toBe(0);
    expect(r.output).toMatch(/app\.ts:\d+:\d+: type error TS2345/);
  });

  it('reports a submission that does not load, with score 0 and the error', { timeout: 200_000 }, () => {
    const root = layOut({ source: 'project', files: { 'app.ts': 'export function application(environ, start) {\n  return [;\n}\n' } });
    const run = runAutograder(root);
    expect(run.status).toBe(0);
    const r = asResults(run.results);
    expect(r.score).toBe(0);
    expect(r.output).toMatch(/app\.ts:\d+/);
  });
});
