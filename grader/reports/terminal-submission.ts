/**
 * The terminal report of one submission, the one a student reads after
 * `npm run grade`: test by test per tier, with the why of each failure right
 * under it, then portability, scores and the Richardson level.
 */
import type { SimilarityReport } from '../similarity/types.ts';
import type { GradeRun, ServerOutcome, SubmissionResult, TestResult } from '../results/types.ts';
import type { ExcerptLimits } from './explain.ts';
import { sameFailure } from './explain.ts';
import {
  earned, outcomesOf, points, portabilityLines, portabilityVerdict, portableTests, RICHARDSON_LABELS,
  serversOf, statusLine, TIER_LABELS, TIER_SHORT, tiersOf, whereToStart,
} from './shared.ts';
import { failureDetails } from './terminal-details.ts';
import type { Style } from './terminal-style.ts';
import { makeStyle, oneLine, pad, padStart, safe, truncate, width as cells, wrap } from './terminal-style.ts';

export interface TerminalOptions {
  color: boolean;
  /** Columns; default 80. */
  width?: number;
  /** Every failure in full, with the whole transcript. */
  verbose?: boolean;
  /** A class run's code similarity (grade --similarity), shown after the class table. */
  similarity?: SimilarityReport;
}

/** Failing tests explained in full before the rest are listed only (unless verbose). */
const DETAILED_FAILURES = 6;
/** Bodies in the terminal: a glimpse; --verbose shows the usual excerpt. */
const TERMINAL_LIMITS: ExcerptLimits = { bodyBytes: 320, bodyLines: 8, headers: 8 };
/** When nothing passes yet the failures all look alike: a few are enough. */
const DETAILED_WHEN_NOTHING_PASSES = 3;

interface Ctx {
  run: GradeRun;
  style: Style;
  width: number;
  verbose: boolean;
  lines: string[];
}

function mark(style: Style, o: ServerOutcome | undefined): string {
  if (!o) return ' ';
  if (o.status === 'passed') return style.green('✓');
  if (o.status === 'skipped') return style.dim('–');
  return style.red('✗');
}

function testMark(style: Style, test: TestResult): string {
  const list = outcomesOf(test);
  if (list.length > 0 && list.every((o) => o.status === 'passed')) return style.green('✓');
  if (list.some((o) => o.status === 'passed')) return style.yellow('±');
  if (list.length > 0 && list.every((o) => o.status === 'skipped')) return style.dim('–');
  return style.red('✗');
}

function header(ctx: Ctx, sub: SubmissionResult): void {
  const { run, style } = ctx;
  ctx.lines.push(style.bold(`todo-wsgi · ${oneLine(sub.name)}`));
  const rows: Array<[string, string]> = [
    ['app', oneLine(sub.path)],
    ['servers', serversOf(run).join(', ')],
    ['tiers', tiersOf(run).map((t) => TIER_SHORT[t]).join(', ')],
    ['seed', `${run.options.seed} (property tests: ${run.options.runs} runs)`],
  ];
  if (run.options.only !== undefined) rows.splice(3, 0, ['tests', `only ${run.options.only.map((o) => `"${o}"`).join(', ')} (--test)`]);
  for (const [label, value] of rows) {
    for (const [i, line] of wrap(safe(value), ctx.width - 12).entries()) {
      ctx.lines.push(`  ${style.dim((i === 0 ? label : '').padEnd(10))}${line}`);
    }
  }
  ctx.lines.push('');
}

function statusBlock(ctx: Ctx, sub: SubmissionResult): void {
  const line = statusLine(sub);
  if (!line) return;
  const { style } = ctx;
  const paint = sub.status === 'load-error' ? style.red : style.yellow;
  const icon = sub.status === 'load-error' ? '✗' : '!';
  const [first, ...rest] = wrap(safe(line), ctx.width - 4);
  ctx.lines.push(paint(`${icon} ${style.bold(first ?? '')}`), ...rest.map((r) => `    ${r}`));
  if (sub.status === 'load-error') {
    ctx.lines.push('  Nothing could be graded. Fix this first, then run npm run grade again.');
  }
  ctx.lines.push('');
}

function testLine(ctx: Ctx, test: TestResult): void {
  const { style } = ctx;
  const servers = serversOf(ctx.run);
  // A server the test does not run on is a blank of the same width: the columns stay aligned.
  const marks = servers.map((s) => (test.outcomes[s] === undefined ? ' '.repeat(s.length + 2) : `${mark(style, test.outcomes[s])} ${s}`)).join(' ');
  const score = padStart(`${points(earned(test))}/${points(test.points)}`, 7);
  const titleCells = Math.max(16, ctx.width - 4 - 2 - cells(marks) - 1 - 7);
  const title = safe(test.title) + (test.visibility === 'hidden' ? ' (hidden)' : '');
  const [first, ...rest] = wrap(title, titleCells);
  ctx.lines.push(`  ${testMark(style, test)} ${pad(first ?? '', titleCells)}  ${marks} ${style.dim(score)}`);
  for (const r of rest) ctx.lines.push(`    ${r}`);
}

/** Groups failed outcomes that failed the same way, so identical failures are explained once. */
function failureGroups(test: TestResult): ServerOutcome[][] {
  const groups: ServerOutcome[][] = [];
  for (const o of outcomesOf(test).filter((x) => x.status === 'failed')) {
    const group = groups.find((g) => g[0] !== undefined && sameFailure(g[0], o));
    if (group) group.push(o);
    else groups.push([o]);
  }
  return groups;
}

/** An empty line, unless the last one already is. */
function blank(ctx: Ctx): void {
  if (ctx.lines.at(-1) !== '') ctx.lines.push('');
}

function tiers(ctx: Ctx, sub: SubmissionResult): void {
  const { style } = ctx;
  const limit = whereToStart(sub) ? DETAILED_WHEN_NOTHING_PASSES : DETAILED_FAILURES;
  let detailed = 0;
  let undetailed = 0;
  for (const tier of tiersOf(ctx.run)) {
    const tests = sub.tests.filter((t) => t.tier === tier);
    if (tests.length === 0) continue;
    const pair = sub.tiers[tier];
    const total = pair ? `${points(pair.score)}/${points(pair.max)}` : '';
    ctx.lines.push(`${style.bold(pad(TIER_LABELS[tier], ctx.width - 8))}${padStart(total, 8)}`);
    const skipped = tests.flatMap(outcomesOf);
    if (skipped.length > 0 && skipped.every((o) => o.status === 'skipped')) {
      // A whole tier this machine cannot run: one line why, not one per test.
      const reason = skipped[0]?.skipReason ?? 'skipped';
      for (const line of wrap(safe(`– not run: ${reason}`), ctx.width - 2)) ctx.lines.push(`  ${style.dim(line)}`);
      blank(ctx);
      continue;
    }
    for (const test of tests) {
      testLine(ctx, test);
      const groups = failureGroups(test);
      if (groups.length === 0) continue;
      if (!ctx.verbose && detailed >= limit) {
        undetailed++;
        continue;
      }
      detailed++;
      for (const group of groups) {
        ctx.lines.push(...failureDetails(test, group, { style, width: ctx.width, verbose: ctx.verbose, runSeed: ctx.run.options.seed, ...(ctx.verbose ? {} : { limits: TERMINAL_LIMITS }) }));
      }
      blank(ctx);
    }
    blank(ctx);
  }
  if (undetailed > 0) {
    const note = `(${undetailed} more failing test${undetailed === 1 ? '' : 's'} not explained here: fix the ones above first, or run with --verbose)`;
    ctx.lines.push(...wrap(note, ctx.width).map((l) => style.dim(l)), '');
  }
}

function portability(ctx: Ctx, sub: SubmissionResult): void {
  const { style } = ctx;
  ctx.lines.push(style.bold('Portability'));
  const tests = portableTests(sub);
  const stripped = portabilityVerdict(sub, ctx.run).replace(/^Portability: /, '');
  const verdict = stripped.charAt(0).toUpperCase() + stripped.slice(1);
  const paint = tests.length > 0 ? style.yellow : style.green;
  for (const line of wrap(verdict, ctx.width - 2)) ctx.lines.push(`  ${paint(line)}`);
  for (const test of tests) {
    if (!test.portability) continue;
    ctx.lines.push(`  ${style.yellow('±')} ${truncate(safe(test.title), ctx.width - 4)}`);
    for (const line of portabilityLines(test.portability)) {
      for (const w of wrap(safe(line), ctx.width - 6)) ctx.lines.push(`      ${w}`);
    }
  }
  ctx.lines.push('');
}

function scores(ctx: Ctx, sub: SubmissionResult): void {
  const { style } = ctx;
  ctx.lines.push(style.bold('Scores'));
  const row = (label: string, score: number, max: number): string => {
    const ratio = max > 0 ? score / max : 0;
    const bar = '█'.repeat(Math.round(ratio * 20)) + '░'.repeat(20 - Math.round(ratio * 20));
    const paint = ratio === 1 ? style.green : ratio === 0 ? style.red : style.yellow;
    return `  ${pad(label, 12)}${padStart(points(score), 6)} / ${pad(points(max), 6)} ${paint(bar)}`;
  };
  for (const tier of tiersOf(ctx.run)) {
    const pair = sub.tiers[tier];
    if (pair) ctx.lines.push(row(TIER_SHORT[tier], pair.score, pair.max));
  }
  for (const server of serversOf(ctx.run)) {
    const pair = sub.servers[server];
    if (pair) ctx.lines.push(row(`on ${server}`, pair.score, pair.max));
  }
  ctx.lines.push(style.bold(row('total', sub.score, sub.maxScore)));
  ctx.lines.push(`  Richardson maturity: ${style.bold(RICHARDSON_LABELS[sub.richardsonLevel])}`, '');
}

/** The full report of one submission. */
export function renderSubmission(sub: SubmissionResult, run: GradeRun, options: TerminalOptions): string {
  const ctx: Ctx = { run, style: makeStyle(options.color), width: Math.max(60, options.width ?? 80), verbose: options.verbose ?? false, lines: [] };
  header(ctx, sub);
  statusBlock(ctx, sub);
  // A load error is one block: listing every test failed for the same reason says nothing more.
  if (sub.tests.length > 0 && sub.status !== 'load-error') {
    tiers(ctx, sub);
    portability(ctx, sub);
  }
  scores(ctx, sub);
  const start = whereToStart(sub);
  if (start) {
    const [first, ...rest] = wrap(`Where to start: ${start}`, ctx.width - 2);
    ctx.lines.push(ctx.style.cyan(`→ ${first ?? ''}`), ...rest.map((r) => `  ${ctx.style.cyan(r)}`), '');
  }
  return ctx.lines.join('\n');
}
