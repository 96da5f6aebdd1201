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
  notGraded, serversOf, statusLine, TIER_LABELS, TIER_SHORT, tiersOf, whereToStart,
} from './shared.ts';
import { failureDetails } from './terminal-details.ts';
import type { Style } from './terminal-style.ts';
import { makeStyle, oneLine, pad, padStart, safe, truncate, width as cells, wrap } from './terminal-style.ts';

export interface TerminalOptions {
  color: boolean;
  /** Columns; default 80. */
  width?: number;
  /** Every test listed (passing ones too) and every failure in full, with the whole transcript. */
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
  if (notGraded(sub)) {
    // Test by test it would read as a list of the student's failures: it is not.
    const n = sub.tests.length;
    ctx.lines.push(...wrap(`No score and no test results are shown: the ${n} test${n === 1 ? '' : 's'} could not check the app (--json has what was tried).`, ctx.width - 2).map((l) => `  ${l}`));
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

/** Passed wherever it ran (a server that skipped it does not count against it). */
function passed(test: TestResult): boolean {
  const list = outcomesOf(test);
  return list.some((o) => o.status === 'passed') && list.every((o) => o.status !== 'failed');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "✓ 25 tests pass on simple and socket": the passing tests of a tier, folded into one line. */
function foldedPasses(ctx: Ctx, tests: readonly TestResult[], all: boolean): void {
  const servers = serversOf(ctx.run).filter((s) => tests.some((t) => t.outcomes[s]?.status === 'passed'));
  const n = tests.length;
  const text = `${all && n > 1 ? 'all ' : ''}${plural(n, 'test')} pass${n === 1 ? 'es' : ''} on ${servers.join(' and ')} (--verbose lists them)`;
  const [first, ...rest] = wrap(text, ctx.width - 4);
  ctx.lines.push(`  ${ctx.style.green('✓')} ${first ?? ''}`, ...rest.map((r) => `    ${r}`));
}

/**
 * Test by test per tier. Unless verbose, a tier's passing tests fold into
 * one line (a full score fits on a screen), and when nothing passes yet only
 * the first failures are listed: the rest fail the same way.
 */
function tiers(ctx: Ctx, sub: SubmissionResult): void {
  const { style } = ctx;
  const nothingPasses = whereToStart(sub) !== undefined;
  const limit = nothingPasses ? DETAILED_WHEN_NOTHING_PASSES : DETAILED_FAILURES;
  let detailed = 0;
  let undetailed = 0;
  for (const tier of tiersOf(ctx.run)) {
    const tests = sub.tests.filter((t) => t.tier === tier);
    if (tests.length === 0) continue;
    const pair = sub.tiers[tier];
    const total = pair && pair.max > 0 ? `${points(pair.score)}/${points(pair.max)}` : '–';
    ctx.lines.push(`${style.bold(pad(TIER_LABELS[tier], ctx.width - 8))}${padStart(total, 8)}`);
    const skipped = tests.flatMap(outcomesOf);
    if (skipped.length > 0 && skipped.every((o) => o.status === 'skipped')) {
      // A whole tier this machine cannot run: one line why, not one per test.
      const reason = skipped[0]?.skipReason ?? 'skipped';
      for (const line of wrap(safe(`– not run: ${reason}`), ctx.width - 2)) ctx.lines.push(`  ${style.dim(line)}`);
      continue;
    }
    const passing = ctx.verbose ? [] : tests.filter(passed);
    if (passing.length > 0) foldedPasses(ctx, passing, passing.length === tests.length);
    let unlisted = 0;
    for (const test of tests) {
      if (passing.includes(test)) continue;
      const groups = failureGroups(test);
      if (groups.length > 0 && !ctx.verbose && detailed >= limit) {
        // Nothing passes yet: the failures past the first few say nothing new, one line counts them.
        if (nothingPasses) {
          unlisted++;
          continue;
        }
        undetailed++;
        testLine(ctx, test);
        continue;
      }
      testLine(ctx, test);
      if (groups.length === 0) continue;
      detailed++;
      for (const group of groups) {
        ctx.lines.push(...failureDetails(test, group, { style, width: ctx.width, verbose: ctx.verbose, runSeed: ctx.run.options.seed, ...(ctx.verbose ? {} : { limits: TERMINAL_LIMITS }) }));
      }
      blank(ctx);
    }
    if (unlisted > 0) {
      const which = unlisted === tests.length ? `all ${plural(unlisted, 'test')}` : plural(unlisted, 'more test');
      ctx.lines.push(`  ${style.red('✗')} ${style.dim(`${which} fail${unlisted === 1 ? 's' : ''} (--verbose lists them)`)}`);
    }
    // Tiers that are one folded line each sit together; a tier with failures gets air after it.
    if (passing.length < tests.length) blank(ctx);
  }
  blank(ctx);
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
    // Nothing to earn there (every test skipped on this machine): not a red 0.
    if (max === 0) return `  ${pad(label, 12)}${style.dim(`${padStart('–', 6)}   not run`)}`;
    const ratio = score / max;
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
  // Only when nothing passes yet: then it is the first thing to read.
  const start = whereToStart(sub);
  if (start) {
    const [first, ...rest] = wrap(`Where to start: ${start}`, ctx.width - 2);
    ctx.lines.push(ctx.style.cyan(`→ ${first ?? ''}`), ...rest.map((r) => `  ${ctx.style.cyan(r)}`), '');
  }
  if (notGraded(sub)) return ctx.lines.join('\n');
  // A load error is one block: listing every test failed for the same reason says nothing more.
  if (sub.tests.length > 0 && sub.status !== 'load-error') {
    tiers(ctx, sub);
    portability(ctx, sub);
  }
  scores(ctx, sub);
  return ctx.lines.join('\n');
}
