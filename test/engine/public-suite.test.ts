// The public suite against the reference solution and the untouched starter,
// graded together in one run as a class would be.
import { beforeAll, expect, test } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { GradeRun, SubmissionResult } from '../../grader/results/types.ts';

/** Level 4 runs where Node has node:sqlite (22.13+); elsewhere it is skipped with the reason. */
const SQLITE = process.getBuiltinModule('node:sqlite') !== undefined;

let run: GradeRun;
let solution: SubmissionResult;
let starter: SubmissionResult;

beforeAll(async () => {
  run = await grade(['solution/app.ts', 'starter/app.ts']);
  [solution, starter] = run.submissions as [SubmissionResult, SubmissionResult];
}, 180_000);

test('the solution gets full marks on every tier and every server', () => {
  const failures = solution.tests.flatMap((t) => Object.values(t.outcomes)
    .filter((o) => o.status !== (t.tier === '4' && !SQLITE ? 'skipped' : 'passed')).map((o) => `${t.id} [${o.server}]: ${o.failure?.message}`));
  expect(failures).toEqual([]);
  expect(solution).toMatchObject({ name: 'solution', status: 'graded', richardsonLevel: 3 });
  expect(solution.score).toBe(solution.maxScore);
  expect(Object.keys(solution.tiers).sort()).toEqual(['2', '3', '4', 'core']);
  expect(solution.tiers['4']?.max).toBe(SQLITE ? 15 : 0);
});

test.skipIf(SQLITE)('without node:sqlite, level 4 is skipped with the reason', () => {
  const level4 = solution.tests.filter((t) => t.tier === '4');
  expect(level4.length).toBe(5);
  for (const t of level4) {
    expect(Object.keys(t.outcomes)).toEqual(['prefork']);
    expect(t.outcomes.prefork).toMatchObject({ status: 'skipped', skipReason: `level 4 needs node:sqlite, which Node 22.13+ has; this is Node ${process.version}` });
  }
});

test('the starter is graded (no crash) and gets no core points', () => {
  expect(starter).toMatchObject({ name: 'starter', status: 'graded', richardsonLevel: 0 });
  expect(starter.tiers.core?.score).toBe(0);
  expect(starter.tiers.core?.max).toBeGreaterThan(0);
  expect(starter.maxScore).toBe(solution.maxScore);
});

test('every test has one outcome per server it runs on, each worth its share of the points', () => {
  for (const t of solution.tests) {
    if (t.tier === '4') {
      expect(Object.keys(t.outcomes)).toEqual(['prefork']);
      expect(t.outcomes.prefork?.maxScore).toBe(SQLITE ? t.points : 0);
      continue;
    }
    expect(Object.keys(t.outcomes).sort()).toEqual(['simple', 'socket']);
    expect(t.outcomes.simple?.maxScore).toBe(t.points / 2);
    expect(t.outcomes.socket?.maxScore).toBe(t.points / 2);
  }
  expect(run.options).toMatchObject({ tiers: ['core', '2', '3', '4'], servers: ['simple', 'socket', 'prefork'], hiddenTests: false });
});
