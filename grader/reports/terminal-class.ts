/**
 * The terminal report of a class run: one row per submission (status, score,
 * per tier, Richardson level, portability differences), the submissions that
 * could not be fully graded and why, and the tests most of the class failed:
 * what to go over again in the next lecture.
 */
import type { GradeRun, SubmissionResult } from '../results/types.ts';
import { failureCounts, notGraded, points, portableTests, serversOf, statusLine, TIER_SHORT, tiersOf } from './shared.ts';
import type { TerminalOptions } from './terminal-submission.ts';
import { renderSubmission } from './terminal-submission.ts';
import { similarityLines } from './similarity-terminal.ts';
import type { Style } from './terminal-style.ts';
import { makeStyle, oneLine, pad, padStart, truncate, width, wrap } from './terminal-style.ts';

/** Show at most this many "most failed" tests. */
const MOST_FAILED = 10;

function statusCell(style: Style, sub: SubmissionResult, cells: number): string {
  const text = pad(sub.status, cells);
  return sub.status === 'graded' ? text : sub.status === 'load-error' ? style.red(text) : style.yellow(text);
}

function table(run: GradeRun, style: Style, cols: number): string[] {
  const tiers = tiersOf(run);
  const tierCells = tiers.map((t) => Math.max(TIER_SHORT[t].length, ...run.submissions.map((s) => {
    const p = s.tiers[t];
    return p ? `${points(p.score)}/${points(p.max)}`.length : 1;
  })));
  const scoreCells = Math.max(5, ...run.submissions.map((s) => `${points(s.score)}/${points(s.maxScore)}`.length));
  // "grader-error" is longer than the usual statuses.
  const statusCells = Math.max(10, ...run.submissions.map((s) => s.status.length));
  // Every column after the name, each with the space before it.
  const fixed = 1 + statusCells + 1 + scoreCells + tierCells.reduce((n, c) => n + 1 + c, 0) + 1 + 4 + 1 + 5;
  const nameCells = Math.max(8, Math.min(32, cols - fixed, Math.max(4, ...run.submissions.map((s) => width(oneLine(s.name))))));

  const head = [pad('name', nameCells), pad('status', statusCells), padStart('score', scoreCells),
    ...tiers.map((t, i) => padStart(TIER_SHORT[t], tierCells[i] ?? 0)), padStart('RMM', 4), padStart('port', 5)].join(' ');
  const lines = [style.bold(head)];
  for (const sub of run.submissions) {
    const ratio = sub.maxScore > 0 ? sub.score / sub.maxScore : 0;
    const paint = ratio === 1 ? style.green : ratio === 0 ? style.red : (s: string) => s;
    const cellsOfTiers = tiers.map((t, i) => {
      const p = sub.tiers[t];
      return padStart(p ? `${points(p.score)}/${points(p.max)}` : '–', tierCells[i] ?? 0);
    });
    const loaded = sub.status !== 'load-error';
    lines.push([
      pad(truncate(oneLine(sub.name), nameCells), nameCells),
      statusCell(style, sub, statusCells),
      // Not graded (the grader's problem): no score to show, not a 0.
      notGraded(sub) ? padStart('–', scoreCells) : paint(padStart(`${points(sub.score)}/${points(sub.maxScore)}`, scoreCells)),
      ...cellsOfTiers,
      padStart(loaded ? String(sub.richardsonLevel) : '–', 4),
      padStart(loaded && serversOf(run).length > 1 ? String(portableTests(sub).length) : '–', 5),
    ].join(' '));
  }
  return lines;
}

function problems(run: GradeRun, style: Style, width: number): string[] {
  const lines: string[] = [];
  for (const sub of run.submissions) {
    const line = statusLine(sub);
    if (!line) continue;
    const [first, ...rest] = wrap(oneLine(`${sub.name}: ${line}`), width - 4);
    lines.push(`  ${sub.status === 'load-error' ? style.red('✗') : style.yellow('!')} ${first ?? ''}`, ...rest.map((r) => `    ${r}`));
  }
  return lines.length > 0 ? [style.bold('Not fully graded'), ...lines, ''] : [];
}

function mostFailed(run: GradeRun, style: Style, width: number): string[] {
  const { total, tests } = failureCounts(run);
  if (total === 0) return [];
  // A skipped test neither passed nor failed: it counts against the submissions it ran for only.
  const hard = tests.filter((t) => t.failed * 2 > t.ran).sort((a, b) => b.failed - a.failed).slice(0, MOST_FAILED);
  const notRun = tests.filter((t) => t.ran === 0);
  const skipped = notRun.length === 0 ? [] : wrap(oneLine(`– ${notRun.length} test${notRun.length === 1 ? '' : 's'} not run on this machine: ${notRun[0]?.skipReason ?? 'skipped'}`), width - 2)
    .map((l) => `  ${style.dim(l)}`);
  if (hard.length === 0) return [style.bold('Tests most of the class failed'), '  none: every test passed for at least half the class', ...skipped, ''];
  const countCells = `${total}/${total}`.length;
  const lines = [style.bold('Tests most of the class failed')];
  for (const t of hard) {
    const count = padStart(`${t.failed}/${t.ran}`, countCells);
    lines.push(`  ${style.red(count)}  ${truncate(oneLine(t.title), width - countCells - 4)}`);
    lines.push(`  ${' '.repeat(countCells)}  ${style.dim(truncate(t.id, width - countCells - 4))}`);
  }
  return [...lines, ...skipped, ''];
}

export function renderClass(run: GradeRun, options: TerminalOptions): string {
  const style = makeStyle(options.color);
  const width = Math.max(60, options.width ?? 80);
  const n = run.submissions.length;
  const lines = [
    style.bold(`todo-wsgi · ${n} submission${n === 1 ? '' : 's'}`),
    `  servers ${serversOf(run).join(', ')} · tiers ${tiersOf(run).map((t) => TIER_SHORT[t]).join(', ')} · seed ${run.options.seed}`,
    '',
  ];
  if (n === 0) return [...lines, '  No submissions found.', ''].join('\n');
  lines.push(...table(run, style, width), '');
  lines.push(...problems(run, style, width));
  lines.push(...mostFailed(run, style, width));
  if (options.similarity !== undefined) lines.push(...similarityLines(options.similarity, style, width));
  if (options.verbose) {
    for (const sub of run.submissions) lines.push('─'.repeat(width), renderSubmission(sub, run, options));
  }
  return lines.join('\n');
}
