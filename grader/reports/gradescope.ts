/**
 * Gradescope's results.json for one submission (gradescope-autograders
 * "Autograder Specifications"): one test entry per test per server, so
 * partial credit and portability show test by test. Built only from what the
 * grader observed over HTTP: the submission's own stdout is never read
 * (stdout_visibility stays "hidden" too).
 */
import type { GradeRun, ServerOutcome, SubmissionResult, TestResult } from '../results/types.ts';
import { excerpt } from './cap.ts';
import { fence, md } from './markdown.ts';
import { exchangeText, failingExchange, failureFields, failureMessage, printedText } from './explain.ts';
import {
  caseName, outcomesOf, points, portabilityLines, portabilityVerdict, portableTests, RICHARDSON_LABELS,
  notGraded, round2, serversOf, statusLine, TIER_SHORT, tiersOf, uniqueNamer, whereToStart,
} from './shared.ts';

export type GradescopeVisibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  /** Absent for a test skipped on this machine: it neither passed nor failed (Gradescope's status is optional). */
  status?: 'passed' | 'failed';
  output: string;
  output_format: 'md';
  visibility: GradescopeVisibility;
  tags: string[];
}

export interface GradescopeResults {
  score: number;
  /** Seconds. */
  execution_time: number;
  output: string;
  output_format: 'md' | 'text';
  visibility: GradescopeVisibility;
  stdout_visibility: 'hidden';
  extra_data: {
    tool: 'todo-wsgi';
    status: SubmissionResult['status'];
    max_score: number;
    richardson_level: number;
    portability_differences: number;
  };
  tests: GradescopeTest[];
}

export interface GradescopeOptions {
  /**
   * Visibility of hidden tests. Default "after_published": students see them
   * once grades are released, not while they can still tailor their app.
   */
  hiddenVisibility?: 'hidden' | 'after_due_date' | 'after_published';
}

const OUTPUT_BYTES = 8 * 1024;

function outcomeOutput(test: TestResult, outcome: ServerOutcome, runSeed: number): string {
  const hidden = test.visibility === 'hidden' ? ' (hidden test)' : '';
  if (outcome.status === 'passed') return `Passed on ${outcome.server}${hidden}. Rule: ${md(test.rule)}`;
  if (outcome.status === 'skipped') return `Skipped on ${outcome.server}${hidden}${outcome.skipReason === undefined ? '' : `: ${outcome.skipReason}`}.`;
  const parts = [`**${md(failureMessage(outcome))}**${hidden}`, ''];
  for (const f of failureFields(outcome.failure, test, runSeed)) parts.push(`- ${f.label}: ${md(f.value)}`);
  if (test.portability) parts.push('', ...portabilityLines(test.portability).map((l) => `- ${md(l)}`));
  const ex = failingExchange(outcome);
  if (ex) {
    const text = exchangeText(ex);
    parts.push('', 'Request sent:', fence(text.request.join('\n')), 'Response received:', fence(text.response.join('\n')));
  }
  const printed = printedText(outcome);
  if (printed.length > 0) {
    parts.push('', 'Your app printed:', fence(printed.join('\n')));
  }
  if (outcome.curl.length > 0) parts.push('Replay it against `npm run serve`:', fence(outcome.curl.join('\n')));
  return excerpt(parts.join('\n'), OUTPUT_BYTES);
}

/** "12 / 15"; nothing to earn (every test skipped on this machine) is "not run", not a 0. */
function scorePair(pair: { score: number; max: number }): string {
  return pair.max === 0 ? 'not run' : `${points(pair.score)} / ${points(pair.max)}`;
}

function summary(sub: SubmissionResult, run: GradeRun): string {
  const lines = [`**Score: ${points(sub.score)} / ${points(sub.maxScore)}**`, ''];
  const problem = statusLine(sub);
  if (problem) lines.push(`**${md(problem)}**`, '');
  if (sub.status !== 'load-error') {
    for (const tier of tiersOf(run)) {
      const pair = sub.tiers[tier];
      if (pair) lines.push(`- ${TIER_SHORT[tier]}: ${scorePair(pair)}`);
    }
    for (const server of serversOf(run)) {
      const pair = sub.servers[server];
      if (pair) lines.push(`- on ${server}: ${scorePair(pair)}`);
    }
    lines.push(`- Richardson maturity: ${RICHARDSON_LABELS[sub.richardsonLevel]}`, '');
  }
  lines.push(md(portabilityVerdict(sub, run)));
  for (const test of portableTests(sub)) {
    if (test.portability) lines.push(`- ${md(test.title)}: ${portabilityLines(test.portability).map(md).join('; ')}`);
  }
  const start = whereToStart(sub);
  if (start) lines.push('', `Where to start: ${md(start)}`);
  return lines.join('\n');
}

function loadErrorTest(sub: SubmissionResult): GradescopeTest {
  return {
    name: 'Load the submission', number: 'load', score: 0, max_score: round2(sub.maxScore), status: 'failed',
    output: `**${md(statusLine(sub) ?? 'Could not load the submission')}**\n\nNothing else could be graded: fix this first.`,
    output_format: 'md', visibility: 'visible', tags: ['load'],
  };
}

/**
 * Not graded (the grader could not reach the app, or failed itself): no test
 * results, which would read as the student's failures, and an output that
 * says so. Gradescope needs a score: 0, with the reason right above it.
 */
function notGradedResults(sub: SubmissionResult): GradescopeResults {
  const line = statusLine(sub) ?? 'Not graded.';
  return {
    score: 0, execution_time: Math.round(sub.durationMs / 1000),
    output: `**The autograder could not grade this submission.**\n\n${md(line)}\n\nYour instructor will grade it again; you need not change anything.`,
    output_format: 'md', visibility: 'visible', stdout_visibility: 'hidden',
    extra_data: {
      tool: 'todo-wsgi', status: sub.status, max_score: round2(sub.maxScore),
      richardson_level: 0, portability_differences: 0,
    },
    tests: [{
      name: 'Grade the submission', number: 'grade', score: 0, max_score: 0, output: md(line),
      output_format: 'md', visibility: 'visible', tags: ['not-graded'],
    }],
  };
}

export function renderGradescope(sub: SubmissionResult, run: GradeRun, options: GradescopeOptions = {}): GradescopeResults {
  if (notGraded(sub)) return notGradedResults(sub);
  const hiddenVisibility = options.hiddenVisibility ?? 'after_published';
  const uniqueName = uniqueNamer();
  const tests: GradescopeTest[] = sub.tests.flatMap((test) => outcomesOf(test).map((o): GradescopeTest => ({
    name: uniqueName(caseName(test.title, o.server), test.id),
    number: test.id,
    score: round2(o.score),
    max_score: round2(o.maxScore),
    ...(o.status === 'skipped' ? {} : { status: o.status === 'passed' ? 'passed' as const : 'failed' as const }),
    output: outcomeOutput(test, o, run.options.seed),
    output_format: 'md',
    visibility: test.visibility === 'hidden' ? hiddenVisibility : 'visible',
    tags: o.status === 'skipped' ? [test.tier, 'skipped'] : [test.tier],
  })));
  if (tests.length === 0 && sub.status === 'load-error') tests.push(loadErrorTest(sub));
  return {
    // The top-level score overrides the sum of tests; it is the grader's own total.
    score: round2(sub.score),
    execution_time: Math.round(sub.durationMs / 1000),
    output: summary(sub, run),
    output_format: 'md',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    extra_data: {
      tool: 'todo-wsgi', status: sub.status, max_score: round2(sub.maxScore),
      richardson_level: sub.richardsonLevel, portability_differences: portableTests(sub).length,
    },
    tests,
  };
}

/** results.json when grading itself could not run: score 0 and the reason, so Gradescope never shows a blank. */
export function gradescopeFallback(reason: string): GradescopeResults {
  return {
    score: 0, execution_time: 0, output: `**The autograder could not grade this submission.**\n\n${fence(reason)}`,
    output_format: 'md', visibility: 'visible', stdout_visibility: 'hidden',
    extra_data: { tool: 'todo-wsgi', status: 'load-error', max_score: 0, richardson_level: 0, portability_differences: 0 },
    tests: [],
  };
}
