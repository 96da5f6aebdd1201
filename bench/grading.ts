/**
 * How long grading takes, as a user runs it: one submission cold (a whole
 * `npm run grade` process) and a class of 100 submissions (copies of the
 * solution and the starter, mixed). The baseline, measured in the same run,
 * is vitest alone starting and running one trivial test.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** A class folder: `size` submissions, every other one the starter. */
function makeClass(size: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-bench-class-'));
  for (let i = 0; i < size; i++) {
    const name = `student-${String(i + 1).padStart(3, '0')}`;
    if (i % 2 === 0) cpSync('solution', join(dir, name), { recursive: true });
    else cpSync('starter/app.ts', join(dir, `${name}.ts`));
  }
  return dir;
}

export async function benchGrading(classSize: number, rounds: number): Promise<void> {
  const vitest = repeat(rounds, () =>
    timed(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'bench/baseline/vitest.config.ts'], [0]),
  );
  const cold = repeat(rounds, () => timed('npm', ['run', '--silent', 'grade', '--', 'solution/app.ts'], [0]));

  const dir = makeClass(classSize);
  const out = join(dir, 'results.json');
  try {
    const whole = timed('npm', ['run', '--silent', 'grade', '--', dir, '--json', out], [0, 1]);
    const run = JSON.parse(readFileSync(out, 'utf8')) as GradeRun;
    const full = run.submissions.filter((s) => s.score === s.maxScore).length;
    if (run.submissions.length !== classSize || full !== classSize / 2) {
      throw new Error(`class run graded ${run.submissions.length} submissions, ${full} with full marks; expected ${classSize} and ${classSize / 2}`);
    }
    printTable(
      `Grading (median of ${rounds} for single runs; class of ${classSize}: half solution, half starter)`,
      ['what', 'wall', 'per submission', 'vs vitest alone', 'target'],
      [
        ['vitest alone (1 trivial test)', `${(vitest / 1000).toFixed(2)} s`, '—', '1.00×', '—'],
        ['npm run grade, 1 submission cold', `${(cold / 1000).toFixed(2)} s`, `${(cold / 1000).toFixed(2)} s`, `${(cold / vitest).toFixed(2)}×`, '≤ 2 s'],
        [
          `npm run grade, class of ${classSize}`,
          `${(whole / 1000).toFixed(1)} s`,
          `${(whole / classSize / 1000).toFixed(2)} s (${(classSize / (whole / 1000)).toFixed(1)} submissions/s)`,
          `${(whole / vitest).toFixed(1)}×`,
          '≤ 45 s for 100',
        ],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
