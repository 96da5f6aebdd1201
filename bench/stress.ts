/**
 * Grades under load: the known-good submissions (solution/ and its mutants
 * that the contract allows, test/fixtures/submissions/mutants.ts) as one
 * class, graded again and again (`npm run grade -- class/ --tier all --json`,
 * a new seed each run) while other processes keep every core busy. A correct
 * submission must get full marks every time: each lost point is listed with
 * its test, server and message. Not a timing: a count of wrong grades.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradeRun } from '../grader/results/types.ts';
import { materialize, MUTANTS } from '../test/fixtures/submissions/mutants.ts';
import { printTable } from './table.ts';

/** One process per core, each spinning until killed: a machine busy with something else. */
function busyLoops(): ChildProcess[] {
  return Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

async function knownGoodClass(): Promise<{ dir: string; names: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-bench-stress-'));
  const names = ['solution'];
  cpSync('solution', join(dir, 'class', 'solution'), { recursive: true });
  for (const mutant of MUTANTS.filter((m) => m.kind === 'good')) {
    await materialize(mutant, join(dir, 'class', mutant.name));
    names.push(mutant.name);
  }
  return { dir, names };
}

export async function benchStress(runs: number): Promise<void> {
  const { dir, names } = await knownGoodClass();
  const lost = new Map<string, string[]>(names.map((name) => [name, []]));
  const started = performance.now();
  const loops = busyLoops();
  try {
    for (let run = 1; run <= runs; run++) {
      const out = join(dir, `run-${run}.json`);
      const graded = spawnSync('npm', ['run', '--silent', 'grade', '--', join(dir, 'class'), '--tier', 'all', '--seed', String(run), '--json', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      if (graded.status !== 0) {
        const results = (() => {
          try {
            return JSON.parse(readFileSync(out, 'utf8')) as GradeRun;
          } catch {
            return undefined;
          }
        })();
        if (results === undefined) throw new Error(`grading run ${run} exited with ${graded.status ?? graded.signal}: ${graded.stderr.toString().slice(-500)}`);
        for (const submission of results.submissions) {
          if (submission.status !== 'graded') lost.get(submission.name)?.push(`run ${run} (seed ${run}): ${submission.status}: ${submission.statusDetail ?? ''}`);
          for (const test of submission.tests) {
            for (const outcome of Object.values(test.outcomes)) {
              if (outcome.status === 'failed') lost.get(submission.name)?.push(`run ${run} (seed ${run}): ${test.id} on ${outcome.server}: ${outcome.failure?.message ?? ''}`);
            }
          }
        }
      }
      process.stdout.write(`\rgraded under load: ${run}/${runs}`);
    }
  } finally {
    for (const loop of loops) loop.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write('\n');
  printTable(
    `Known-good submissions graded ${runs} times (--tier all, seeds 1–${runs}) with ${availableParallelism()} busy loops on ${availableParallelism()} cores (${seconds.toFixed(0)} s)`,
    ['submission', 'runs with a lost point', 'first loss'],
    names.map((name) => {
      const losses = lost.get(name) ?? [];
      const runsLost = new Set(losses.map((line) => line.split(':')[0])).size;
      return [name, `${runsLost}/${runs}`, losses[0] ?? '—'];
    }),
  );
}
