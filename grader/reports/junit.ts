/**
 * JUnit XML, as GitLab, GitHub test reporters and CodeGrade read it:
 * <testsuites> → one <testsuite> per submission → one <testcase> per test per
 * server. A test that ran and checked a wrong answer is a <failure>; one that
 * never got an answer (crash, timeout, not reached) is an <error>; a
 * submission that did not load is a single <error> case. JUnit has no
 * points, so the score travels in <properties>.
 */
import type { GradeRun, ServerOutcome, SubmissionResult, TestResult } from '../results/types.ts';
import { excerpt } from './cap.ts';
import { failureMessage, failurePlainText } from './explain.ts';
import { caseName, noAnswer, notGraded, outcomesOf, points, statusLine, uniqueNamer } from './shared.ts';

/**
 * Characters XML 1.0 forbids even as references: C0 controls other than tab,
 * LF and CR, U+FFFE/U+FFFF, and lone surrogates.
 */
const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripIllegalXml(text: string): string {
  return text.replace(ILLEGAL_XML, '');
}

export function escapeXmlText(text: string): string {
  return stripIllegalXml(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes and keep newlines and tabs (attribute normalisation would flatten them). */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join('');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Per-case text caps: a failure's body is a few KiB, a message one line. */
const MESSAGE_BYTES = 500;
const TEXT_BYTES = 8 * 1024;
const OUTPUT_BYTES = 4 * 1024;

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function errorType(sub: SubmissionResult): string {
  return sub.status === 'graded' ? 'no-response' : sub.status;
}

function caseXml(sub: SubmissionResult, run: GradeRun, test: TestResult, outcome: ServerOutcome, name: string, counts: Counts): string {
  counts.tests++;
  const head = `    <testcase${attrs({ name, classname: `${sub.name}.${test.tier}`, time: seconds(outcome.durationMs), file: sub.path })}`;
  if (outcome.status === 'passed') return `${head}/>`;
  if (outcome.status === 'skipped') {
    counts.skipped++;
    const reason = outcome.skipReason === undefined ? '' : attrs({ message: outcome.skipReason });
    return `${head}>\n      <skipped${reason}/>\n    </testcase>`;
  }
  const isError = noAnswer(outcome);
  if (isError) counts.errors++;
  else counts.failures++;
  const tag = isError ? 'error' : 'failure';
  const type = isError ? errorType(sub) : (outcome.failure?.violation?.code ?? 'assertion');
  const message = excerpt(failureMessage(outcome), MESSAGE_BYTES);
  const text = excerpt(failurePlainText(test, outcome, run.options.seed), TEXT_BYTES);
  return `${head}>\n      <${tag}${attrs({ message, type })}>${escapeXmlText(text)}</${tag}>\n    </testcase>`;
}

/** One <error> case for the whole submission: it did not load, or the grader could not grade it. */
function wholeSubmissionCase(sub: SubmissionResult, counts: Counts): string {
  counts.tests++;
  counts.errors++;
  const loadFailed = sub.status === 'load-error';
  const message = statusLine(sub) ?? 'Could not load the submission';
  const name = loadFailed ? 'load the submission' : 'grade the submission';
  return `    <testcase${attrs({ name, classname: `${sub.name}.${loadFailed ? 'load' : 'grade'}`, time: seconds(sub.durationMs), file: sub.path })}>\n` +
    `      <error${attrs({ message: excerpt(message, MESSAGE_BYTES), type: sub.status })}>${escapeXmlText(message)}</error>\n    </testcase>`;
}

function suiteXml(sub: SubmissionResult, run: GradeRun, total: Counts): string {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const uniqueName = uniqueNamer();
  // Not graded: its tests' failures are the grader's, not the code's; one error says so.
  const cases = (sub.status === 'load-error' && sub.tests.length === 0) || notGraded(sub)
    ? [wholeSubmissionCase(sub, counts)]
    : sub.tests.flatMap((t) => outcomesOf(t).map((o) => caseXml(sub, run, t, o, uniqueName(caseName(t.title, o.server), t.id), counts)));
  total.tests += counts.tests;
  total.failures += counts.failures;
  total.errors += counts.errors;
  total.skipped += counts.skipped;

  const properties = [
    ['status', sub.status], ['score', points(sub.score)], ['max_score', points(sub.maxScore)],
    ['richardson_level', String(sub.richardsonLevel)],
    ...(sub.statusDetail ? [['status_detail', sub.statusDetail]] : []),
  ].map(([name, value]) => `      <property${attrs({ name, value })}/>`);
  // What the submission printed, for the instructor's eyes only; never part of a result.
  const out = sub.output.stdout ? `    <system-out>${escapeXmlText(excerpt(sub.output.stdout, OUTPUT_BYTES))}</system-out>\n` : '';
  const err = sub.output.stderr ? `    <system-err>${escapeXmlText(excerpt(sub.output.stderr, OUTPUT_BYTES))}</system-err>\n` : '';

  return `  <testsuite${attrs({ name: sub.name, ...counts, time: seconds(sub.durationMs), timestamp: run.startedAt })}>\n` +
    `    <properties>\n${properties.join('\n')}\n    </properties>\n` +
    cases.map((c) => `${c}\n`).join('') + out + err + '  </testsuite>';
}

export function renderJunit(run: GradeRun): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites = run.submissions.map((s) => suiteXml(s, run, total));
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attrs({ name: run.tool, ...total, time: seconds(run.durationMs), timestamp: run.startedAt })}>\n` +
    suites.map((s) => `${s}\n`).join('') + '</testsuites>\n';
}
