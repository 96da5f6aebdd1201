/**
 * Evidence no code tool has: the grader's own observations. Two submissions
 * that fail the same tests with the same wrong answer — the same status and
 * the same body, error messages included, which the statement leaves free —
 * when few others in the class answered that way, share more than chance
 * explains. Read from a graded run's results (per-test outcomes and
 * transcripts); the code is not looked at.
 */
import type { GradeRun, ServerOutcome, SubmissionResult } from '../results/types.ts';
import type { BehaviourEvidence, PairReport } from './types.ts';

/** One wrong answer: the test and what the last answered request got back. */
function wrongAnswers(sub: SubmissionResult): Map<string, string> {
  const out = new Map<string, string>();
  if (sub.status === 'load-error') return out;
  for (const test of sub.tests) {
    const failed = Object.values(test.outcomes).find((o): o is ServerOutcome => o?.status === 'failed');
    if (failed === undefined) continue;
    const answered = [...failed.transcript].reverse().find((x) => x.response !== undefined);
    // A failure without an answer (a timeout, a crash) says nothing about who wrote the code.
    if (answered?.response === undefined) continue;
    const body = answered.response.body.length > 300 ? `${answered.response.body.slice(0, 300)}…` : answered.response.body;
    out.set(test.id, `${answered.request.method} ${answered.request.target} → ${answered.response.status} ${body}`.trim());
  }
  return out;
}

/** A shared wrong answer counts 1/(k−1) when k submissions gave it: 1 for a pair alone with it. Three such make a score of 1. */
const FULL_EVIDENCE = 3;
/** Answers given by more than this share of the class are a common mistake, not evidence. */
const COMMON = 0.2;

export function behaviourPairs(run: GradeRun): Map<string, BehaviourEvidence> {
  const answers = run.submissions.map((sub) => ({ name: sub.name, wrong: wrongAnswers(sub) }));
  const givenBy = new Map<string, string[]>();
  for (const { name, wrong } of answers) {
    for (const [test, answer] of wrong) {
      const key = `${test}\u0000${answer}`;
      givenBy.set(key, [...(givenBy.get(key) ?? []), name]);
    }
  }
  const evidence = new Map<string, BehaviourEvidence>();
  const limit = Math.max(2, Math.floor(run.submissions.length * COMMON));
  for (const [key, names] of [...givenBy.entries()].sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (names.length < 2 || names.length > limit) continue;
    const [test, answer] = key.split('\u0000') as [string, string];
    const sorted = [...names].sort();
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const pairKey = pairKeyOf(sorted[i]!, sorted[j]!);
        const entry = evidence.get(pairKey) ?? { score: 0, tests: [] };
        entry.tests.push({ id: test, answer, failedBy: names.length });
        entry.score = Math.min(1, entry.score + 1 / (names.length - 1) / FULL_EVIDENCE);
        evidence.set(pairKey, entry);
      }
    }
  }
  return evidence;
}

export function pairKeyOf(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** Attach behaviour evidence to the code pairs, adding pairs the code check did not find (code scores 0). */
export function withBehaviour(pairs: readonly PairReport[], evidence: ReadonlyMap<string, BehaviourEvidence>): PairReport[] {
  const byKey = new Map(pairs.map((p) => [pairKeyOf(p.a, p.b), p]));
  const out = [...pairs];
  for (const [key, found] of evidence) {
    const pair = byKey.get(key);
    if (pair !== undefined) pair.behaviour = found;
    else {
      const [a, b] = key.split('\u0000') as [string, string];
      out.push({ a, b, similarity: 0, longest: 0, suspicion: 0, fragments: [], behaviour: found });
    }
  }
  return out;
}
