/**
 * `--baseline previous.json`: this run against an earlier JSON result of the
 * same class (grader/reports/json.ts wrote it). Which submissions' scores
 * changed and by how much, which of their tests flipped, which tests were
 * added or removed since, and which submissions came or went. After an
 * instructor fixes or adds a test, this is the list of students to tell.
 */
import type { GradeRun, SubmissionResult, TestResult } from '../results/types.ts';
import { outcomesOf, round2 } from './shared.ts';

/** A test's state in one submission: passed on every server, on some, on none; skipped; or not in that run. */
export type TestState = 'passed' | 'partly' | 'failed' | 'skipped' | 'absent';

export interface TestFlip {
  id: string;
  title: string;
  from: TestState;
  to: TestState;
  /** Points earned now minus then. */
  delta: number;
}

export interface SubmissionChange {
  name: string;
  before: number;
  after: number;
  delta: number;
  maxBefore: number;
  maxAfter: number;
  /** Tests whose state or points changed, added tests included (from "absent"). */
  flips: TestFlip[];
  /** The commit graded then and now, when the submission is a repository and it moved. */
  commit?: { before?: string; after?: string };
}

export interface RegradeDiff {
  baselineStartedAt: string;
  /** Submissions whose score changed, largest change first. */
  changed: SubmissionChange[];
  /** Submissions in both runs with the same score. */
  unchanged: number;
  /** Tests in this run that the baseline did not have, and the reverse. */
  added: Array<{ id: string; title: string }>;
  removed: Array<{ id: string; title: string }>;
  /** Submissions only in this run, and only in the baseline. */
  newSubmissions: string[];
  goneSubmissions: string[];
}

export function testState(test: TestResult | undefined): TestState {
  if (test === undefined) return 'absent';
  const outcomes = outcomesOf(test);
  const ran = outcomes.filter((o) => o.status !== 'skipped');
  if (ran.length === 0) return 'skipped';
  const passed = ran.filter((o) => o.status === 'passed').length;
  return passed === ran.length ? 'passed' : passed > 0 ? 'partly' : 'failed';
}

const earnedBy = (test: TestResult | undefined): number => (test === undefined ? 0 : outcomesOf(test).reduce((n, o) => n + o.score, 0));

function testsOf(run: GradeRun): Map<string, { id: string; title: string }> {
  const all = new Map<string, { id: string; title: string }>();
  for (const sub of run.submissions) for (const t of sub.tests) if (!all.has(t.id)) all.set(t.id, { id: t.id, title: t.title });
  return all;
}

function flipsBetween(then: SubmissionResult, now: SubmissionResult): TestFlip[] {
  const before = new Map(then.tests.map((t) => [t.id, t]));
  const after = new Map(now.tests.map((t) => [t.id, t]));
  const flips: TestFlip[] = [];
  for (const id of new Set([...after.keys(), ...before.keys()])) {
    const [a, b] = [before.get(id), after.get(id)];
    const from = testState(a);
    const to = testState(b);
    const delta = round2(earnedBy(b) - earnedBy(a));
    if (from !== to || delta !== 0) flips.push({ id, title: (b ?? a)!.title, from, to, delta });
  }
  return flips;
}

export function regradeDiff(baseline: GradeRun, run: GradeRun): RegradeDiff {
  const then = new Map(baseline.submissions.map((s) => [s.name, s]));
  const testsThen = testsOf(baseline);
  const testsNow = testsOf(run);
  const changed: SubmissionChange[] = [];
  let unchanged = 0;
  for (const now of run.submissions) {
    const old = then.get(now.name);
    if (old === undefined) continue;
    const delta = round2(now.score - old.score);
    if (delta === 0) {
      unchanged++;
      continue;
    }
    const change: SubmissionChange = {
      name: now.name, before: round2(old.score), after: round2(now.score), delta,
      maxBefore: round2(old.maxScore), maxAfter: round2(now.maxScore), flips: flipsBetween(old, now),
    };
    if (old.commit !== now.commit) {
      change.commit = { ...(old.commit === undefined ? {} : { before: old.commit }), ...(now.commit === undefined ? {} : { after: now.commit }) };
    }
    changed.push(change);
  }
  changed.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.name < b.name ? -1 : 1));
  const names = new Set(run.submissions.map((s) => s.name));
  return {
    baselineStartedAt: baseline.startedAt,
    changed,
    unchanged,
    added: [...testsNow.values()].filter((t) => !testsThen.has(t.id)),
    removed: [...testsThen.values()].filter((t) => !testsNow.has(t.id)),
    newSubmissions: run.submissions.filter((s) => !then.has(s.name)).map((s) => s.name),
    goneSubmissions: baseline.submissions.filter((s) => !names.has(s.name)).map((s) => s.name),
  };
}

/** Why a baseline cannot be compared, in one line; undefined when it can. */
export function baselineProblem(value: unknown): string | undefined {
  const doc = value as Partial<GradeRun> | null;
  if (typeof doc !== 'object' || doc === null || doc.tool !== 'todo-wsgi' || !Array.isArray(doc.submissions)) {
    return 'not a JSON result of this grader (write one with --json FILE)';
  }
  const bad = doc.submissions.findIndex((s) => typeof s?.name !== 'string' || typeof s.score !== 'number' || !Array.isArray(s.tests));
  return bad === -1 ? undefined : `submission ${bad + 1} has no name, score or tests: not a JSON result of this grader`;
}

const STATE_WORDS: Record<TestState, string> = {
  passed: 'passes', partly: 'passes on some servers', failed: 'fails', skipped: 'skipped', absent: 'not run',
};

/** "fails → passes", "added: passes", "removed (passed)". */
export function flipText(flip: TestFlip): string {
  if (flip.from === 'absent') return `added since: ${STATE_WORDS[flip.to]}`;
  if (flip.to === 'absent') return `removed since (${STATE_WORDS[flip.from]} then)`;
  return flip.from === flip.to ? `${STATE_WORDS[flip.to]}, points changed` : `${STATE_WORDS[flip.from]} → ${STATE_WORDS[flip.to]}`;
}

/** "2026-12-01 09:26 UTC": when the baseline ran; a date that does not parse is shown as given. */
export function baselineWhen(diff: RegradeDiff): string {
  const date = new Date(diff.baselineStartedAt);
  return Number.isNaN(date.getTime()) ? diff.baselineStartedAt : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function signed(n: number): string {
  return n > 0 ? `+${round2(n)}` : String(round2(n));
}
