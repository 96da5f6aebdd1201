// The public suite against the reference solution and the untouched starter,
// graded together in one run as a class would be.
import { beforeAll, expect, test } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { GradeRun, SubmissionResult } from '../../grader/results/types.ts';

let run: GradeRun;
let solution: SubmissionResult;
let starter: SubmissionResult;

beforeAll(async () => {
  run = await grade(['solution/app.ts', 'starter/app.ts']);
  [solution, starter] = run.submissions as [SubmissionResult, SubmissionResult];
}, 180_000);

test('the solution gets full marks on every tier and both servers', () => {
  const failures = solution.tests.flatMap((t) => Object.values(t.outcomes)
    .filter((o) => o.status !== 'passed').map((o) => `${t.id} [${o.server}]: ${o.failure?.message}`));
  expect(failures).toEqual([]);
  expect(solution).toMatchObject({ name: 'solution', status: 'graded', richardsonLevel: 3 });
  expect(solution.score).toBe(solution.maxScore);
  expect(Object.keys(solution.tiers).sort()).toEqual(['2', '3', 'core']);
});

test('the starter is graded (no crash) and gets no core points', () => {
  expect(starter).toMatchObject({ name: 'starter', status: 'graded', richardsonLevel: 0 });
  expect(starter.tiers.core?.score).toBe(0);
  expect(starter.tiers.core?.max).toBeGreaterThan(0);
  expect(starter.maxScore).toBe(solution.maxScore);
});

test('every test has one outcome per server, each worth half its points', () => {
  for (const t of solution.tests) {
    expect(t.outcomes.simple?.maxScore).toBe(t.points / 2);
    expect(t.outcomes.socket?.maxScore).toBe(t.points / 2);
  }
  expect(run.options).toMatchObject({ tiers: ['core', '2', '3'], servers: ['simple', 'socket'], hiddenTests: false });
});
