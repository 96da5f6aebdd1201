// A regrade as an instructor runs it: grade a class, keep the JSON, add a hidden test, grade again with
// --baseline. The report must list exactly the submissions whose score changed (terminal and page), and
// the same run writes Canvas and Moodle gradebooks from a roster that misses one student and lacks another.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GradeRun } from '../../grader/results/types.ts';
import { launchChromium } from '../reports/html/browser.ts';

const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-regrade-'));
const classDir = join(dir, 'class');
const out = join(dir, 'out');
const HIDDEN = 'test/engine/fixtures/hidden';

interface Result { code: number | null; stdout: string; stderr: string }

function grade(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'grader/cli/grade.ts', ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
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

const ROSTER = [
  'submission,name,id,email,sis_user_id,section',
  'solution-a,"Lovelace, Ada",201,ada@example.edu,U-201,Mon',
  'starter,Sam Starter,202,sam@example.edu,U-202,Mon',
  'ghost,Gus Ghost,203,gus@example.edu,U-203,Tue',
].join('\n');

let baseline: GradeRun;
let regraded: GradeRun;
let second: Result;

beforeAll(async () => {
  cpSync('solution', join(classDir, 'solution-a'), { recursive: true });
  cpSync('solution', join(classDir, 'broken-delete'), { recursive: true });
  const app = join(classDir, 'broken-delete', 'app.ts');
  writeFileSync(app, readFileSync(app, 'utf8').replace('  const response = route(',
    "  if (environ.REQUEST_METHOD === 'DELETE') throw new Error('not yet');\n  const response = route("));
  cpSync('starter/app.ts', join(classDir, 'starter.ts'));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(dir, 'roster.csv'), ROSTER);
  const common = [classDir, '--tier', 'core', '--runs', '5'];
  const first = await grade([...common, '--json', join(out, 'baseline.json')]);
  expect(first.code, first.stderr).toBe(1);
  baseline = JSON.parse(readFileSync(join(out, 'baseline.json'), 'utf8')) as GradeRun;
  // The instructor adds a hidden test (GET / answers 200: the solution does, the starter's 501 does not).
  second = await grade([...common, '--tests', HIDDEN, '--baseline', join(out, 'baseline.json'), '--json', join(out, 'now.json'),
    '--html', join(out, 'class.html'), '--roster', join(dir, 'roster.csv'),
    '--gradebook', 'canvas', join(out, 'canvas.csv'), '--gradebook=moodle', join(out, 'moodle.csv'), '--points', '100', '--assignment', 'Exercise 1 (77)']);
  regraded = JSON.parse(readFileSync(join(out, 'now.json'), 'utf8')) as GradeRun;
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Names whose score differs between the two JSON results: the truth the report must match. */
function changedNames(): string[] {
  const before = new Map(baseline.submissions.map((s) => [s.name, s.score]));
  return regraded.submissions.filter((s) => before.get(s.name) !== s.score).map((s) => s.name).sort();
}

test('the terminal lists exactly the submissions whose score changed, by how much, and the test added', () => {
  expect(second.code, second.stderr).toBe(1);
  expect(changedNames()).toEqual(['broken-delete', 'solution-a']);
  const section = second.stdout.slice(second.stdout.indexOf('Regrade against'));
  expect(section).toMatch(/^Regrade against the run of \d{4}-\d\d-\d\d \d\d:\d\d UTC: 2 of 3 submissions changed score/);
  expect(section).toContain('tests added since: hidden.root-again (GET / still answers 200)');
  const listed = [...section.matchAll(/^ {2}(\S+)\s+[\d.]+\/[\d.]+ → [\d.]+\/[\d.]+\s+([+-][\d.]+)$/gm)].map((m) => [m[1], m[2]]);
  expect(listed.map(([name]) => name).sort()).toEqual(changedNames());
  for (const [, delta] of listed) expect(delta).toBe('+1');
  expect(section).toContain('✓ hidden.root-again: added since: passes (+1)');
  expect(section).not.toMatch(/^ {2}starter\b/m);
});

test('the roster\'s missing student and the submission it lacks are both reported', () => {
  expect(second.stdout).toContain('Roster: 2 of 3 students have a submission.');
  expect(second.stdout).toContain('No submission (graded 0): Gus Ghost <gus@example.edu> (expected "ghost")');
  expect(second.stdout).toContain('Not on the roster (left out of the gradebook): broken-delete');
});

test('Canvas and Moodle files: every roster student, grades scaled to --points', () => {
  const canvas = parseCsv(readFileSync(join(out, 'canvas.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(Object.keys(canvas[0]!)).toEqual(['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'Exercise 1 (77)']);
  expect(canvas.map((r) => [r.Student, r['Exercise 1 (77)']])).toEqual([
    ['Points Possible', '100'], ['Lovelace, Ada', '100'], ['Sam Starter', '0'], ['Gus Ghost', '0'],
  ]);
  const moodle = parseCsv(readFileSync(join(out, 'moodle.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(moodle.map((r) => [r['Email address'], r['Exercise 1 (77)']])).toEqual([
    ['ada@example.edu', '100'], ['sam@example.edu', '0'], ['gus@example.edu', '0'],
  ]);
});

test('the page\'s regrade section shows the same submissions, in Chromium', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    const url = pathToFileURL(join(out, 'class.html')).href;
    await page.goto(url);
    const section = page.locator('#regrade');
    expect(await section.isVisible()).toBe(true);
    expect(await page.locator('#regrade-title').textContent()).toMatch(/^Regrade: 2 of 3 submissions changed score since the run of \d{4}-/);
    const rows = await page.$$eval('#regrade tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-name') ?? ''));
    expect(rows.sort()).toEqual(changedNames());
    expect(await page.locator('#regrade .tests-added li').allTextContents()).toEqual(['hidden.root-again GET / still answers 200']);
    expect(await page.locator('#regrade tbody tr').first().locator('td').nth(2).textContent()).toBe('+1');
    // The rest of the page still works beside it.
    expect(await page.locator('.mbody .mrow').count()).toBe(3);
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('misused options fail with one line before any grading', async () => {
  writeFileSync(join(dir, 'bad-roster.csv'), 'submission,name,id\nalice,Alice,1\n');
  const cases: Array<[string[], RegExp]> = [
    [['--roster', join(dir, 'bad-roster.csv')], /^grade: --roster \S+bad-roster\.csv: no "email" column \(the first line must name submission, name, id, email\)\n$/],
    [['--baseline', join(dir, 'roster.csv')], /^grade: --baseline \S+: not JSON \(give the file an earlier run wrote with --json\)\n$/],
    [['--baseline', join(out, 'class.html')], /^grade: --baseline \S+: not JSON/],
  ];
  for (const [args, line] of cases) {
    const result = await grade([classDir, '--tier', 'core', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(line);
  }
}, 60_000);
