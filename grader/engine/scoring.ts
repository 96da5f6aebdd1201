/**
 * Scores: a test's points are split equally between the servers; totals per
 * tier and per server; the Richardson maturity level reached.
 */
import type { ScorePair, ServerName, SubmissionResult, TestResult, Tier } from '../results/types.ts';

/** Sums of halves and quarters are exact; other fractions are rounded to stay readable. */
export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function serverShare(points: number, servers: readonly ServerName[]): number {
  return servers.length === 0 ? 0 : points / servers.length;
}

function add(pairs: Partial<Record<string, ScorePair>>, key: string, score: number, max: number): void {
  const pair = pairs[key] ?? { score: 0, max: 0 };
  pairs[key] = { score: round(pair.score + score), max: round(pair.max + max) };
}

/** Passed on every server of the run that it ran on (skipped there: it did not run, neither passed nor failed). */
function passedEverywhere(test: TestResult, servers: readonly ServerName[]): boolean {
  return servers.every((server) => test.outcomes[server] === undefined || test.outcomes[server].status !== 'failed');
}

/** Ran somewhere: a test skipped everywhere is evidence for nothing. */
function ran(test: TestResult): boolean {
  return Object.values(test.outcomes).some((o) => o.status !== 'skipped');
}

/**
 * The highest level L such that every test tagged ≤ L passed on every server.
 * A level no test is evidence for cannot be reached.
 */
export function richardsonLevel(tests: readonly TestResult[], servers: readonly ServerName[]): 0 | 1 | 2 | 3 {
  let level: 0 | 1 | 2 | 3 = 0;
  for (const candidate of [1, 2, 3] as const) {
    const tagged = tests.filter((test) => test.richardson !== undefined && test.richardson <= candidate && ran(test));
    if (!tests.some((test) => test.richardson === candidate && ran(test))) break;
    if (!tagged.every((test) => passedEverywhere(test, servers))) break;
    level = candidate;
  }
  return level;
}

export type Scores = Pick<SubmissionResult, 'score' | 'maxScore' | 'tiers' | 'servers' | 'richardsonLevel'>;

export function scoreTests(tests: readonly TestResult[], servers: readonly ServerName[]): Scores {
  const tiers: Partial<Record<Tier, ScorePair>> = {};
  const byServer: Partial<Record<ServerName, ScorePair>> = {};
  let score = 0;
  let maxScore = 0;
  for (const test of tests) {
    // The servers it ran on; a test with no outcome at all (never reported) counts on every server.
    const on = servers.filter((server) => test.outcomes[server] !== undefined);
    for (const server of on.length > 0 ? on : servers) {
      const outcome = test.outcomes[server];
      const max = outcome?.maxScore ?? serverShare(test.points, servers);
      const got = outcome?.score ?? 0;
      score += got;
      maxScore += max;
      add(tiers, test.tier, got, max);
      add(byServer, server, got, max);
    }
  }
  return { score: round(score), maxScore: round(maxScore), tiers, servers: byServer, richardsonLevel: richardsonLevel(tests, servers) };
}
