/**
 * What every report says the same way: test case names, points, tier labels,
 * Richardson levels, portability lines and the one-line status of a
 * submission. Formats differ in layout only, never in wording.
 */
import type {
  GradeRun,
  Portability,
  ServerName,
  ServerOutcome,
  SubmissionResult,
  TestResult,
  Tier,
} from '../results/types.ts';
import { NOT_GRADED, TIERS } from '../results/types.ts';
import { SERVER_NAMES } from '../servers/names.ts';

/** "<title> [server]": one name per test per server, as JUnit, Gradescope and Classroom list them. */
export function caseName(title: string, server: ServerName): string {
  return `${title} [${server}]`;
}

/**
 * A namer that keeps names unique (GitLab keeps only the first of duplicate
 * names): a repeated name gets its test id appended.
 */
export function uniqueNamer(): (name: string, id: string) => string {
  const seen = new Set<string>();
  return (name, id) => {
    let result = name;
    for (let n = 2; seen.has(result); n++) result = n === 2 ? `${name} (${id})` : `${name} (${id} #${n})`;
    seen.add(result);
    return result;
  };
}

/** Every server it ran on passed it (a test with no outcome, or one skipped anywhere, has not passed). */
export function passedEverywhere(test: TestResult): boolean {
  const list = outcomesOf(test);
  return list.length > 0 && list.every((o) => o.status === 'passed');
}

/** The outcomes of a test in server order (simple, then socket). */
export function outcomesOf(test: TestResult): ServerOutcome[] {
  const list: ServerOutcome[] = [];
  for (const server of SERVER_NAMES) {
    const outcome = test.outcomes[server];
    if (outcome) list.push(outcome);
  }
  return list;
}

export function earned(test: TestResult): number {
  return outcomesOf(test).reduce((n, o) => n + o.score, 0);
}

/** Points without float noise: 10.5, 7, 0.33. */
export function points(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The tiers a report lists, in the canonical order. */
export function tiersOf(run: GradeRun): Tier[] {
  return TIERS.filter((t) => run.options.tiers.includes(t));
}

export function serversOf(run: GradeRun): ServerName[] {
  return SERVER_NAMES.filter((s) => run.options.servers.includes(s));
}

export const TIER_LABELS: Record<Tier, string> = {
  core: 'Core: the exercise',
  '2': 'Level 2: REST extras',
  '3': 'Level 3: hypermedia and caching',
  '4': 'Level 4: state that survives the server',
};

/** The statement's own names: "core", then "Level 2" to "Level 4" (starter/README.md's headings). */
export const TIER_SHORT: Record<Tier, string> = { core: 'core', '2': 'level 2', '3': 'level 3', '4': 'level 4' };

export const RICHARDSON_LABELS: Record<0 | 1 | 2 | 3, string> = {
  0: 'level 0 (no resources yet)',
  1: 'level 1 (resources)',
  2: 'level 2 (HTTP verbs and status codes)',
  3: 'level 3 (hypermedia controls)',
};

/**
 * True when the outcome never got an answer (transport error, crash, not
 * reached before the wall limit): the test could not run to its check.
 */
export function noAnswer(outcome: ServerOutcome): boolean {
  if (outcome.status !== 'failed') return false;
  const last = outcome.transcript.at(-1);
  return last === undefined || last.response === undefined;
}

/** One line for a submission that was not simply graded. */
export function statusLine(sub: SubmissionResult): string | undefined {
  const detail = sub.statusDetail ? `: ${sub.statusDetail}` : '';
  switch (sub.status) {
    case 'graded':
      return undefined;
    case 'load-error':
      return `Could not load the submission${detail}`;
    case 'timeout':
      return sub.statusDetail ? `Stopped at the time limit${detail}` : 'Stopped at the time limit; tests not reached count as failed';
    case 'crashed':
      return `The app process crashed${detail}`;
    case 'unreachable':
      return `Not graded: ${sub.statusDetail ?? 'the grader could not connect to the app'}. ${NOT_YOUR_CODE}`;
    case 'grader-error':
      return `Not graded: the grader itself failed${detail}. ${NOT_YOUR_CODE}`;
  }
}

/** Said with every status that is the grader's or the machine's problem. */
export const NOT_YOUR_CODE = 'This is not a problem in the submitted code: grade it again once the grader works.';

/** True when the results say nothing about the code (unreachable, grader-error): no score is a grade. */
export function notGraded(sub: SubmissionResult): boolean {
  return NOT_GRADED.includes(sub.status);
}

/** `file:line` at the start of a load error, e.g. "app.ts:12:5: Expected ';'". */
export function sourceLocation(detail: string | undefined): { file: string; line: number } | undefined {
  const match = detail?.match(/^([^\s:]+\.[cm]?[jt]sx?):(\d+)(?::\d+)?/);
  return match ? { file: match[1] ?? '', line: Number(match[2]) } : undefined;
}

function quoted(value: string | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/** "CONTENT_LENGTH: "" (simple) vs absent (socket)". */
export function environDiffLine(diff: Portability['environDiff'][number], servers: readonly ServerName[] = SERVER_NAMES): string {
  return `${diff.key}: ${servers.map((s) => `${quoted(diff[s])} (${s})`).join(' vs ')}`;
}

/** Environ differences listed per test; the engine puts keys absent on one server (the usual culprits) first. */
const MAX_DIFFS = 6;

/** "passes on simple, fails on socket", then one line per environ value that differed. */
export function portabilityLines(p: Portability): string[] {
  const shown = p.environDiff.slice(0, MAX_DIFFS).map((d) => environDiffLine(d));
  const more = p.environDiff.length - MAX_DIFFS;
  if (more > 0) shown.push(`… and ${more} more environ difference${more === 1 ? '' : 's'}`);
  return [`passes on ${p.passedOn}, fails on ${p.failedOn}`, ...shown];
}

export function portableTests(sub: SubmissionResult): TestResult[] {
  return sub.tests.filter((t) => t.portability !== undefined);
}

/** The portability verdict in one sentence. */
export function portabilityVerdict(sub: SubmissionResult, run: GradeRun): string {
  if (sub.status === 'load-error') return 'Portability: not checked (the submission did not load).';
  if (notGraded(sub)) return 'Portability: not checked (the submission was not graded).';
  if (serversOf(run).length < 2) return 'Portability: not checked (graded on one server only).';
  const differing = portableTests(sub);
  if (differing.length === 0) return 'Portability: same results on both servers.';
  const n = differing.length;
  return `Portability: ${n} test${n === 1 ? '' : 's'} pass${n === 1 ? 'es' : ''} on one server only; ` +
    'the app relies on something PEP 3333 lets servers do differently.';
}

function everyAnswerIs501(sub: SubmissionResult): boolean {
  const exchanges = sub.tests.flatMap((t) => outcomesOf(t).flatMap((o) => o.transcript));
  const answered = exchanges.filter((e) => e.response !== undefined);
  return answered.length > 0 && answered.every((e) => e.response?.status === 501);
}

/** Advice when nothing passed yet; undefined once something passes. */
export function whereToStart(sub: SubmissionResult): string | undefined {
  // Nothing passing because the grader never reached the app says nothing about where the code should start.
  if (sub.status === 'load-error' || notGraded(sub) || sub.tests.length === 0) return undefined;
  if (sub.tests.some((t) => outcomesOf(t).some((o) => o.status === 'passed'))) return undefined;
  if (everyAnswerIs501(sub)) {
    return 'Every answer was 501 Not Implemented, the starter\'s placeholder. ' +
      'Start with GET /todos in starter/app.ts, then run npm run grade again.';
  }
  const first = sub.tests.find((t) => t.tier === 'core') ?? sub.tests[0];
  return first ? `Start with the first test: ${first.title}.` : undefined;
}

/** True when the test ran nowhere: every outcome was skipped (e.g. this Node lacks node:sqlite). */
export function skippedEverywhere(test: TestResult): boolean {
  const list = outcomesOf(test);
  return list.length > 0 && list.every((o) => o.status === 'skipped');
}

/** How a test went across a class: the submissions it failed for, out of those it ran for. */
export interface TestCount {
  id: string;
  title: string;
  /** Submissions where it failed on some server. */
  failed: number;
  /** Submissions where it ran on some server: a skipped outcome is neither passed nor failed. */
  ran: number;
  /** Why it was skipped, where it was skipped for every submission. */
  skipReason?: string;
}

/** Per test, over the submissions that ran tests: how many failed it, how many ran it at all. */
export function failureCounts(run: GradeRun): { total: number; tests: TestCount[] } {
  const withTests = run.submissions.filter((s) => s.tests.length > 0);
  const byId = new Map<string, TestCount>();
  for (const sub of withTests) {
    for (const test of sub.tests) {
      const entry = byId.get(test.id) ?? { id: test.id, title: test.title, failed: 0, ran: 0 };
      byId.set(test.id, entry);
      if (skippedEverywhere(test)) {
        entry.skipReason ??= outcomesOf(test)[0]?.skipReason ?? 'skipped';
        continue;
      }
      entry.ran++;
      if (outcomesOf(test).some((o) => o.status === 'failed')) entry.failed++;
    }
  }
  for (const entry of byId.values()) if (entry.ran > 0) delete entry.skipReason;
  return { total: withTests.length, tests: [...byId.values()] };
}
