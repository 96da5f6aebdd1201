/**
 * Ranking pairs by suspicion, the suggested threshold, and clusters.
 *
 * Suspicion is the larger of two readings of the same evidence:
 * - similarity: the share of both submissions' fingerprints found in the
 *   other (a whole copy, however disguised, scores high);
 * - the longest shared fragment as a share of a typical submission of the
 *   class (the median token count): a copied part — only the routing, only
 *   the body reading — is a long fragment in an otherwise different program.
 * Ties are broken by the longer fragment, then by names: the order is the
 * same on every run.
 */
import type { PairReport, SubmissionReport } from './types.ts';

/** Where the page's threshold starts; independent solutions of this exercise stay well below it. */
export const DEFAULT_THRESHOLD = 0.15;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const byName = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

export function compareRanked(x: PairReport, y: PairReport): number {
  return y.suspicion - x.suspicion || (y.behaviour?.score ?? 0) - (x.behaviour?.score ?? 0) || y.longest - x.longest || byName(x.a, y.a) || byName(x.b, y.b);
}

/** Fill in each pair's suspicion and sort, most suspicious first. */
export function rankPairs(pairs: PairReport[], submissions: readonly SubmissionReport[]): PairReport[] {
  const typical = Math.max(1, median(submissions.filter((s) => s.status !== 'empty').map((s) => s.tokens)));
  for (const pair of pairs) pair.suspicion = Math.max(pair.similarity, Math.min(1, pair.longest / typical));
  return pairs.sort(compareRanked);
}

/** Connected groups of submissions joined by pairs at or above the threshold, largest first, then by first name. */
export function clustersOf(pairs: readonly PairReport[], threshold: number): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const pair of pairs) {
    if (pair.suspicion < threshold) continue;
    for (const name of [pair.a, pair.b]) if (!parent.has(name)) parent.set(name, name);
    const [ra, rb] = [find(pair.a), find(pair.b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, string[]>();
  for (const name of parent.keys()) {
    const root = find(name);
    groups.set(root, [...(groups.get(root) ?? []), name]);
  }
  return [...groups.values()].map((g) => g.sort(byName)).sort((x, y) => y.length - x.length || byName(x[0]!, y[0]!));
}
