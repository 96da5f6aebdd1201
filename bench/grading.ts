/**
 * How long grading takes, as a user runs it: one submission cold (a whole
 * `npm run grade` process), a class of 100 handed in as students hand in
 * (whole solution/ folders, a multi-file app, and starter/app.ts files,
 * mixed; `--tier core --json`), and a hostile batch (the fixtures of
 * test/fixtures/hostile, one of them looping on every request). The
 * baseline, measured in the same run, is vitest alone starting and running
 * one trivial test, launched as a user launches it (`npx vitest run`);
 * the same run launched by `node` directly is shown beside it. The cold
 * grade is split into its fixed cost (one test of one request per server)
 * and the rest, its tests.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradeRun } from '../grader/results/types.ts';
import { median, printTable } from './table.ts';

function timed(command: string, args: string[], okCodes: number[]): number {
  const start = performance.now();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - start;
  if (run.status === null || !okCodes.includes(run.status)) {
    throw new Error(`${command} ${args.join(' ')} exited with ${run.status ?? run.signal}: ${run.stderr.toString().slice(-500)}`);
  }
  return ms;
}

function repeat(times: number, run: () => number): number {
  return median(Array.from({ length: times }, run));
}

/** A class folder: `size` submissions, every other one the starter's app.ts, the others a copy of the whole solution/ folder. */
function makeClass(size: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-bench-class-'));
  for (let i = 0; i < size; i++) {
    const name = `student-${String(i + 1).padStart(3, '0')}`;
    if (i % 2 === 0) cpSync('solution', join(dir, name), { recursive: true });
    else cpSync('starter/app.ts', join(dir, `${name}.ts`));
  }
  return dir;
}

const HOSTILE = 'test/fixtures/hostile';

/** A class folder of every hostile fixture, each a whole folder. */
function makeHostile(): { dir: string; size: number } {
  const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-bench-hostile-'));
  const names = readdirSync(HOSTILE, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  for (const name of names) cpSync(join(HOSTILE, name), join(dir, name), { recursive: true });
  return { dir, size: names.length };
}

function gradeClass(dir: string, extra: string[]): { ms: number; run: GradeRun } {
  const out = join(dir, 'results.json');
  const ms = timed('npm', ['run', '--silent', 'grade', '--', dir, ...extra, '--json', out], [0, 1]);
  return { ms, run: JSON.parse(readFileSync(out, 'utf8')) as GradeRun };
}

const seconds = (ms: number, digits = 2): string => `${(ms / 1000).toFixed(digits)} s`;

export async function benchGrading(classSize: number, rounds: number): Promise<void> {
  const vitestDirect = ['node_modules/vitest/vitest.mjs', 'run', '--config', 'bench/baseline/vitest.config.ts'];
  const vitest = repeat(rounds, () => timed('npx', ['vitest', ...vitestDirect.slice(1)], [0]));
  const vitestNode = repeat(rounds, () => timed(process.execPath, vitestDirect, [0]));
  // Exit 0: the solution passes every test that runs here (a tier this Node cannot run is skipped, not failed).
  const cold = repeat(rounds, () => timed('npm', ['run', '--silent', 'grade', '--', 'solution/app.ts'], [0]));
  // The same grade with one test of one request per server: what a grade costs before its tests (vitest, the
  // engine, two app processes, the report), so the cold grade's ratio splits into a fixed part and the tests'.
  const fixed = repeat(rounds, () => timed('npm', ['run', '--silent', 'grade', '--', 'solution/app.ts', '--test', 'core.list.empty-array'], [0]));

  const classDir = makeClass(classSize);
  const hostile = makeHostile();
  try {
    const whole = gradeClass(classDir, ['--tier', 'core']);
    const full = whole.run.submissions.filter((s) => s.score === s.maxScore).length;
    if (whole.run.submissions.length !== classSize || full !== Math.ceil(classSize / 2)) {
      throw new Error(`class run graded ${whole.run.submissions.length} submissions, ${full} with full marks; expected ${classSize} and ${Math.ceil(classSize / 2)}`);
    }
    const batch = gradeClass(hostile.dir, []);
    const scored = batch.run.submissions.filter((s) => s.score > 0).map((s) => s.name);
    if (batch.run.submissions.length !== hostile.size || scored.length > 0) {
      throw new Error(`hostile run graded ${batch.run.submissions.length} of ${hostile.size} submissions; scored above 0: ${scored.join(', ') || 'none'}`);
    }
    const slowest = [...batch.run.submissions].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3)
      .map((s) => `${s.name} ${seconds(s.durationMs, 1)}`).join(', ');
    printTable(
      `Grading (median of ${rounds} for single runs; class of ${classSize}: half whole solution/ folders, half starter/app.ts, --tier core)`,
      ['what', 'wall', 'per submission', 'vs vitest alone', 'target'],
      [
        ['vitest alone (1 trivial test, npx vitest run)', seconds(vitest), '—', '1.00×', '—'],
        ['  the same, node vitest.mjs run', seconds(vitestNode), '—', `${(vitestNode / vitest).toFixed(2)}×`, '—'],
        ['npm run grade, 1 submission cold', seconds(cold), seconds(cold), `${(cold / vitest).toFixed(2)}× (${(cold / vitestNode).toFixed(2)}× node)`, '≤ 1.4×'],
        ['  of which: the same with 1 test (fixed cost)', seconds(fixed), '—', `${(fixed / vitest).toFixed(2)}×`, '—'],
        ['  the rest: its tests', seconds(cold - fixed), '—', `${((cold - fixed) / vitest).toFixed(2)}×`, '—'],
        [
          `npm run grade, class of ${classSize}`,
          seconds(whole.ms, 1),
          `${seconds(whole.ms / classSize)} (${(classSize / (whole.ms / 1000)).toFixed(1)} submissions/s)`,
          `${(whole.ms / vitest).toFixed(1)}×`,
          `≤ ${(45 * classSize / 100).toFixed(0)} s (stretch ${(30 * classSize / 100).toFixed(0)} s)`,
        ],
        [`npm run grade, hostile batch of ${hostile.size}`, seconds(batch.ms, 1), `slowest: ${slowest}`, `${(batch.ms / vitest).toFixed(1)}×`, '≤ 25 s'],
      ],
    );
  } finally {
    rmSync(classDir, { recursive: true, force: true });
    rmSync(hostile.dir, { recursive: true, force: true });
  }
}
