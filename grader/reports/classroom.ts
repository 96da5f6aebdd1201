/**
 * GitHub Classroom's runner result, the JSON a grader action hands (base64)
 * to classroom-resources/autograding-grading-reporter. The reporter sums the
 * tests' `score`s into the points it posts, so one entry per test per server
 * gives partial credit; `max_score` is the submission's maximum.
 */
import type { GradeRun, ServerOutcome, SubmissionResult, TestResult } from '../results/types.ts';
import { byteLength, excerpt } from './cap.ts';
import { failureMessage, failurePlainText } from './explain.ts';
import { caseName, noAnswer, notGraded, outcomesOf, portabilityLines, round2, sourceLocation, statusLine, uniqueNamer } from './shared.ts';

export type ClassroomStatus = 'pass' | 'fail' | 'error';

export interface ClassroomTest {
  name: string;
  status: ClassroomStatus;
  score: number;
  message: string;
  /** Shown by the reporter as "Test code": here, the curl commands that replay the test. */
  test_code?: string;
  filename?: string;
  line_no?: number;
  /** Milliseconds. */
  duration?: number;
}

export interface ClassroomResult {
  version: 1;
  status: ClassroomStatus;
  max_score: number;
  tests: ClassroomTest[];
}

/** The reporter prints messages in the Actions log; keep each readable. */
const MESSAGE_BYTES = 4 * 1024;
const TEST_CODE_BYTES = 1024;
/**
 * The whole result travels base64-encoded through one environment variable
 * of the reporter step, and Linux caps a single variable at 128 KiB
 * (MAX_ARG_STRLEN): 48 KiB of JSON, measured as written (indented), leaves
 * room for base64's third.
 */
export const CLASSROOM_MAX_BYTES = 48 * 1024;
/** Below this a message is cut to its first line. */
const MIN_MESSAGE_BYTES = 200;

function outcomeStatus(outcome: ServerOutcome): ClassroomStatus {
  if (outcome.status === 'passed') return 'pass';
  return noAnswer(outcome) ? 'error' : 'fail';
}

function outcomeMessage(test: TestResult, outcome: ServerOutcome, maxBytes: number, runSeed: number): string {
  if (outcome.status === 'passed') return `Passed on ${outcome.server}.`;
  if (maxBytes < MIN_MESSAGE_BYTES) return excerpt(failureMessage(outcome), MIN_MESSAGE_BYTES);
  const portability = test.portability ? `\n\n${portabilityLines(test.portability).join('\n')}` : '';
  return excerpt(failurePlainText(test, outcome, runSeed) + portability, maxBytes);
}

/** One error entry for the whole submission: it did not load, or the grader could not grade it. */
function wholeSubmissionResult(sub: SubmissionResult): ClassroomResult {
  const where = sub.status === 'load-error' ? sourceLocation(sub.statusDetail) : undefined;
  return {
    version: 1, status: 'error', max_score: round2(sub.maxScore),
    // The reporter divides by the number of tests: an empty list would print NaN.
    tests: [{
      name: sub.status === 'load-error' ? 'Load the submission' : 'Grade the submission', status: 'error', score: 0,
      message: statusLine(sub) ?? 'Could not load the submission',
      ...(where ? { filename: where.file, line_no: where.line } : {}),
      duration: Math.round(sub.durationMs),
    }],
  };
}

/**
 * The format knows pass, fail and error only: a test skipped on this machine
 * is left out (neither its 0 nor a failure), and named in one entry of its own.
 */
function skippedEntry(sub: SubmissionResult): ClassroomTest[] {
  const skipped = sub.tests.flatMap((t) => outcomesOf(t).filter((o) => o.status === 'skipped'));
  if (skipped.length === 0) return [];
  const reason = skipped[0]?.skipReason;
  return [{
    name: `Not run on this machine (${skipped.length} test${skipped.length === 1 ? '' : 's'})`, status: 'pass', score: 0,
    message: `Skipped, not failed${reason === undefined ? '' : `: ${reason}`}.`, duration: 0,
  }];
}

function buildTests(sub: SubmissionResult, messageBytes: number, runSeed: number): ClassroomTest[] {
  const uniqueName = uniqueNamer();
  const codeBytes = Math.min(TEST_CODE_BYTES, messageBytes);
  return sub.tests.flatMap((test) => outcomesOf(test).filter((o) => o.status !== 'skipped').map((o): ClassroomTest => ({
    name: uniqueName(caseName(test.title, o.server), test.id),
    status: outcomeStatus(o),
    score: round2(o.score),
    message: outcomeMessage(test, o, messageBytes, runSeed),
    // Replay commands only where there is something to replay: they are the bulk of a passing entry.
    ...(o.curl.length > 0 && o.status !== 'passed' ? { test_code: excerpt(o.curl.join('\n'), codeBytes) } : {}),
    duration: Math.round(o.durationMs),
  }))).concat(skippedEntry(sub));
}

export function renderClassroom(sub: SubmissionResult, run: GradeRun): ClassroomResult {
  if ((sub.status === 'load-error' && sub.tests.length === 0) || notGraded(sub)) return wholeSubmissionResult(sub);
  // Share the size budget between the failing tests, halving until it fits.
  const failing = Math.max(1, sub.tests.reduce((n, t) => n + outcomesOf(t).filter((o) => o.status === 'failed').length, 0));
  let messageBytes = Math.min(MESSAGE_BYTES, Math.floor((CLASSROOM_MAX_BYTES * 0.6) / failing));
  let tests = buildTests(sub, messageBytes, run.options.seed);
  while (byteLength(JSON.stringify(tests, null, 2)) > CLASSROOM_MAX_BYTES && messageBytes >= MIN_MESSAGE_BYTES) {
    messageBytes = Math.floor(messageBytes / 2);
    tests = buildTests(sub, messageBytes, run.options.seed);
  }
  const status: ClassroomStatus = sub.status === 'load-error'
    ? 'error'
    : tests.length > 0 && tests.every((t) => t.status === 'pass') ? 'pass' : 'fail';
  return { version: 1, status, max_score: round2(sub.maxScore), tests };
}
