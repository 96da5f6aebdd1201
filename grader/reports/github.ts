/**
 * GitHub Actions, without Classroom: what a grading step hands to the
 * workflow run. Built from the results alone; the CLI decides where it goes
 * (grader/cli/github-actions.ts).
 *
 * - The job summary, Markdown appended to $GITHUB_STEP_SUMMARY: the score per
 *   level, each failing test with its why and hint, the portability verdict.
 * - One `::error` workflow command per failing test, on the line of the
 *   student's file where the app raised (the "(app.ts:12:5)" the sandbox puts
 *   in the message), or on the file without a line when nothing places it.
 * - Step outputs ($GITHUB_OUTPUT): score, maximum, counts, a result word.
 *
 * Workflow commands and their escaping: GitHub Docs, "Workflow commands for
 * GitHub Actions" (error: file, line, col, title; data escapes % CR LF,
 * properties also : and ,). A step shows at most 10 error annotations
 * (actions/toolkit docs/problem-matchers.md, "Limitations"): located ones go
 * first, and the summary lists every failing test.
 */
import { basename } from 'node:path';
import type { GradeRun, ServerOutcome, SubmissionResult, TestResult, Tier } from '../results/types.ts';
import { excerpt } from './cap.ts';
import type { RegradeDiff } from './regrade.ts';
import { baselineWhen, flipText, signed } from './regrade.ts';
import { failureFields, failureMessage } from './explain.ts';
import { fence, md } from './markdown.ts';
import {
  outcomesOf, passedEverywhere, points, portabilityLines, portabilityVerdict, portableTests, RICHARDSON_LABELS,
  serversOf, sourceLocation, statusLine, tiersOf, whereToStart,
} from './shared.ts';

/** The statement's names for the tiers (starter/README.md: "Core", "Level 2" …). */
export const LEVEL_NAMES: Record<Tier, string> = {
  core: 'Core',
  '2': 'Level 2 (REST extras)',
  '3': 'Level 3 (hypermedia and caching)',
  '4': 'Level 4 (state that survives the server)',
};

export interface Annotation {
  /** A path as the caller's pathFor() gave it (relative to the repository, '/'-separated). */
  file: string;
  line?: number;
  col?: number;
  title: string;
  message: string;
}

/** Maps a file named relative to the submission's folder ("app.ts", "lib/x.ts") to the path an annotation names. */
export type PathFor = (sub: SubmissionResult, file: string) => string;

/** GitHub caps a step's summary at 1 MiB; stay well under it. */
export const SUMMARY_MAX_BYTES = 768 * 1024;
/** Each failing test's part of the summary. */
const TEST_BYTES = 6 * 1024;
/** Each annotation's message: GitHub shows the first lines in the annotation box. */
const ANNOTATION_BYTES = 2 * 1024;

/** The last "(file.ts:12:5)" or "file.ts:12:5:" in a text: where the app raised, relative to its folder. */
export function appLocation(text: string | undefined): { file: string; line: number; col?: number } | undefined {
  if (text === undefined) return undefined;
  const raised = [...text.matchAll(/\(([^\s():]+\.[cm]?[jt]sx?):(\d+)(?::(\d+))?\)/g)].at(-1);
  if (raised) return { file: raised[1]!, line: Number(raised[2]), ...(raised[3] ? { col: Number(raised[3]) } : {}) };
  const start = sourceLocation(text);
  return start ? { file: start.file, line: start.line } : undefined;
}

/** The file the student edits: the submission's .ts file, or app.ts in its folder. */
export function mainFile(sub: SubmissionResult): string {
  return /\.[cm]?tsx?$/.test(sub.path) ? basename(sub.path) : 'app.ts';
}

/** The outcomes of a test that did not pass (skipped ones neither pass nor fail). */
function failed(test: TestResult): ServerOutcome[] {
  return outcomesOf(test).filter((o) => o.status === 'failed');
}

function failingTests(sub: SubmissionResult): TestResult[] {
  return sub.tests.filter((t) => failed(t).length > 0);
}

function earnedOf(test: TestResult): number {
  return outcomesOf(test).reduce((n, o) => n + o.score, 0);
}

function whereFails(test: TestResult): string {
  const servers = failed(test).map((o) => o.server);
  return test.portability ? portabilityLines(test.portability)[0]! : `fails on ${servers.join(', ')}`;
}

/** Escaping of workflow-command data and properties (GitHub Docs, "Workflow commands"). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(a: Annotation): string {
  const props = [`file=${escapeProperty(a.file)}`];
  if (a.line !== undefined) props.push(`line=${a.line}`);
  if (a.line !== undefined && a.col !== undefined) props.push(`col=${a.col}`);
  props.push(`title=${escapeProperty(a.title)}`);
  return `::error ${props.join(',')}::${escapeData(a.message)}`;
}

function annotationOf(sub: SubmissionResult, test: TestResult, pathFor: PathFor, runSeed: number): Annotation {
  const first = failed(test)[0]!;
  const where = appLocation(first.failure?.message);
  const lines = [failureMessage(first), whereFails(test)];
  for (const f of failureFields(first.failure, test, runSeed)) lines.push(`${f.label}: ${f.value}`);
  return {
    file: pathFor(sub, where?.file ?? mainFile(sub)),
    ...(where ? { line: where.line, ...(where.col === undefined ? {} : { col: where.col }) } : {}),
    title: `${test.title} (${test.id})`,
    message: excerpt(lines.join('\n'), ANNOTATION_BYTES),
  };
}

/** One annotation per failing test (a load error is one), those placed on a line first. */
export function githubAnnotations(run: GradeRun, pathFor: PathFor): Annotation[] {
  const all: Annotation[] = [];
  for (const sub of run.submissions) {
    if (sub.status === 'load-error' && sub.tests.length === 0) {
      const where = appLocation(sub.statusDetail);
      all.push({
        file: pathFor(sub, where?.file ?? mainFile(sub)),
        ...(where ? { line: where.line } : {}),
        title: 'The app could not be loaded',
        message: statusLine(sub) ?? 'Could not load the submission',
      });
      continue;
    }
    for (const test of failingTests(sub)) all.push(annotationOf(sub, test, pathFor, run.options.seed));
  }
  return [...all.filter((a) => a.line !== undefined), ...all.filter((a) => a.line === undefined)];
}

function bar(score: number, max: number): string {
  const filled = max > 0 ? Math.round((score / max) * 10) : 0;
  return `${'█'.repeat(filled)}${'░'.repeat(10 - filled)}`;
}

function scoreTable(sub: SubmissionResult, run: GradeRun): string[] {
  const rows = ['| Part | Points | |', '| --- | ---: | --- |'];
  for (const tier of tiersOf(run)) {
    const pair = sub.tiers[tier];
    if (pair) rows.push(`| ${LEVEL_NAMES[tier]} | ${points(pair.score)} / ${points(pair.max)} | ${bar(pair.score, pair.max)} |`);
  }
  for (const server of serversOf(run)) {
    const pair = sub.servers[server];
    if (pair) rows.push(`| on \`${server}\` | ${points(pair.score)} / ${points(pair.max)} | ${bar(pair.score, pair.max)} |`);
  }
  rows.push(`| **Total** | **${points(sub.score)} / ${points(sub.maxScore)}** | ${bar(sub.score, sub.maxScore)} |`);
  return rows;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function failingTestSection(sub: SubmissionResult, test: TestResult, runSeed: number): string {
  const first = failed(test)[0]!;
  const where = appLocation(first.failure?.message);
  const head = `✗ ${test.title}${test.visibility === 'hidden' ? ' (hidden test)' : ''}`;
  const facts = `${test.id} · ${test.tier === 'core' ? 'core' : `level ${test.tier}`} · ${points(earnedOf(test))} / ${points(test.points)} · ${whereFails(test)}`;
  const parts = [
    `<details><summary><b>${escapeHtml(head)}</b> — ${escapeHtml(facts)}</summary>`, '',
    `**${md(failureMessage(first))}**`, '',
  ];
  for (const f of failureFields(first.failure, test, runSeed)) parts.push(`- **${f.label}**: ${md(f.value)}`);
  if (where) parts.push(`- **where**: ${md(`${where.file} line ${where.line}`)}`);
  if (test.portability) parts.push(...portabilityLines(test.portability).slice(1).map((l) => `- ${md(l)}`));
  if (first.curl.length > 0) parts.push('', 'Replay it against `npm run serve`:', '', fence(first.curl.join('\n'), 'sh'));
  parts.push('', '</details>');
  const text = parts.join('\n');
  // Cut inside the details only: the closing tag must survive.
  return text.length <= TEST_BYTES ? text : `${excerpt(text, TEST_BYTES - 20)}\n\n</details>`;
}

function submissionSummary(sub: SubmissionResult, run: GradeRun): string {
  const failing = failingTests(sub);
  const skipped = sub.tests.filter((t) => outcomesOf(t).every((o) => o.status === 'skipped')).length;
  const mark = failing.length === 0 && sub.status === 'graded' ? '✓' : '✗';
  const lines = [`## ${mark} todo-wsgi · ${md(sub.name)}: ${points(sub.score)} / ${points(sub.maxScore)}`, ''];
  if (sub.commit) lines.push(`Commit \`${sub.commit.slice(0, 12)}\``, '');
  const problem = statusLine(sub);
  if (problem) lines.push(`> **${md(problem)}**`, '');
  if (sub.status !== 'load-error' || sub.tests.length > 0) {
    lines.push(...scoreTable(sub, run), '', `Richardson maturity: ${RICHARDSON_LABELS[sub.richardsonLevel]}.`, '');
  }
  lines.push(`**${md(portabilityVerdict(sub, run))}**`);
  for (const test of portableTests(sub)) {
    if (test.portability) lines.push(`- ${md(test.title)}: ${portabilityLines(test.portability).map(md).join('; ')}`);
  }
  lines.push('');
  const passed = sub.tests.filter(passedEverywhere).length;
  lines.push(`Tests: ${passed} passed, ${failing.length} failed${skipped > 0 ? `, ${skipped} skipped` : ''}.`, '');
  const start = whereToStart(sub);
  if (start) lines.push(`**Where to start:** ${md(start)}`, '');
  if (failing.length > 0) {
    lines.push(`### Failing tests (${failing.length})`, '');
    for (const test of failing) lines.push(failingTestSection(sub, test, run.options.seed), '');
  }
  return lines.join('\n');
}

function classSummary(run: GradeRun): string {
  const tiers = tiersOf(run);
  const lines = [
    `## todo-wsgi · ${run.submissions.length} submissions`, '',
    `| Submission | Status | Score | ${tiers.map((t) => (t === 'core' ? 'Core' : `Level ${t}`)).join(' | ')} | Failing tests | Commit |`,
    `| --- | --- | ---: | ${tiers.map(() => '---:').join(' | ')} | ---: | --- |`,
  ];
  for (const sub of run.submissions) {
    const cells = tiers.map((t) => {
      const pair = sub.tiers[t];
      return pair ? `${points(pair.score)} / ${points(pair.max)}` : '–';
    });
    lines.push(`| ${md(sub.name)} | ${sub.status} | ${points(sub.score)} / ${points(sub.maxScore)} | ${cells.join(' | ')} | ` +
      `${failingTests(sub).length} | ${sub.commit ? `\`${sub.commit.slice(0, 12)}\`` : ''} |`);
  }
  return lines.join('\n');
}

/** The regrade (--baseline) as a summary section: whose score changed, and the tests that flipped. */
function regradeSummary(diff: RegradeDiff): string {
  const total = diff.changed.length + diff.unchanged;
  const lines = ['', '', `### Regrade: ${diff.changed.length} of ${total} submissions changed score since the run of ${baselineWhen(diff)}`, ''];
  if (diff.added.length > 0) lines.push(`Tests added since: ${diff.added.map((t) => `\`${t.id}\``).join(', ')}`, '');
  if (diff.removed.length > 0) lines.push(`Tests removed since: ${diff.removed.map((t) => `\`${t.id}\``).join(', ')}`, '');
  if (diff.changed.length > 0) lines.push('| Submission | Then → now | Change | Tests that flipped |', '| --- | --- | ---: | --- |');
  for (const c of diff.changed) {
    const flips = c.flips.map((f) => `\`${f.id}\` ${md(flipText(f))}`).join('<br>');
    lines.push(`| ${md(c.name)} | ${points(c.before)} → ${points(c.after)} | ${signed(c.delta)} | ${flips} |`);
  }
  return lines.join('\n');
}

/** The job summary: one submission in full, or a class as a table; a regrade section with --baseline. Kept under SUMMARY_MAX_BYTES. */
export function githubSummary(run: GradeRun, regrade?: RegradeDiff): string {
  const only = run.submissions.length === 1 ? run.submissions[0] : undefined;
  const text = (only ? submissionSummary(only, run) : classSummary(run)) + (regrade ? regradeSummary(regrade) : '');
  return `${excerpt(text, SUMMARY_MAX_BYTES)}\n`;
}

/** Step outputs, `name=value`: what a later step (or a workflow_call caller) can test. */
export function githubOutputs(run: GradeRun): Array<[string, string]> {
  const score = run.submissions.reduce((n, s) => n + s.score, 0);
  const max = run.submissions.reduce((n, s) => n + s.maxScore, 0);
  const failing = run.submissions.reduce((n, s) => n + failingTests(s).length, 0);
  const passing = run.submissions.reduce((n, s) => n + s.tests.filter(passedEverywhere).length, 0);
  const loadError = run.submissions.some((s) => s.status === 'load-error');
  return [
    ['score', points(score)],
    ['max-score', points(max)],
    ['tests-passed', String(passing)],
    ['tests-failed', String(failing)],
    ['result', loadError ? 'load-error' : failing > 0 ? 'failed' : 'passed'],
  ];
}
