/**
 * The explanation under a failing test in the terminal report: what was
 * sent, what came back, what was expected and why, the hint, the contract
 * violation, what the app printed meanwhile, and the curl commands to replay it. Labels sit in a column so
 * the eye finds "expected" and "hint" without reading everything.
 */
import type { ServerOutcome, TestResult } from '../results/types.ts';
import { HOST_SHELL } from '../suite/runtime/curl.ts';
import type { ExcerptLimits } from './explain.ts';
import { DEFAULT_LIMITS, exchangeText, failureFields, failureMessage, printedText } from './explain.ts';
import type { Style } from './terminal-style.ts';
import { safe, shellLines, wrap } from './terminal-style.ts';

const INDENT = '        ';
const LABEL_CELLS = 10;

interface Block {
  style: Style;
  width: number;
  lines: string[];
}

/** "label     value", the value wrapped under itself. */
function labelled(b: Block, label: string, value: string | string[], paint: (s: string) => string = (s) => s): void {
  const valueCells = b.width - INDENT.length - LABEL_CELLS;
  const rows = (Array.isArray(value) ? value : [value]).flatMap((v) => (v === '' ? [''] : wrap(safe(v), valueCells)));
  rows.forEach((row, i) => {
    const head = i === 0 ? b.style.dim(label.padEnd(LABEL_CELLS)) : ' '.repeat(LABEL_CELLS);
    b.lines.push(`${INDENT}${head}${paint(row)}`.trimEnd());
  });
}

function transcript(b: Block, outcome: ServerOutcome, verbose: boolean, limits: ExcerptLimits): void {
  const all = outcome.transcript;
  const shown = verbose ? all : all.slice(-1);
  shown.forEach((ex, i) => {
    const n = all.length - shown.length + i + 1;
    const text = exchangeText(ex, limits);
    const which = all.length > 1 ? ` (request ${n} of ${all.length})` : '';
    labelled(b, 'sent', [`${text.request[0] ?? ''}${which}`, ...text.request.slice(1)]);
    labelled(b, 'received', text.response, ex.response ? undefined : b.style.red);
  });
}

function printed(b: Block, outcome: ServerOutcome, verbose: boolean): void {
  const rows = printedText(outcome, verbose, (n) => `[… ${n} more lines: --verbose shows them]`);
  if (rows.length > 0) labelled(b, 'printed', rows, b.style.dim);
}

/** The serve command that replays a test: prefork's own, so requests spread over workers as they did. */
function serveCommand(server: ServerOutcome['server']): string {
  return server === 'prefork' ? 'npm run serve -- <app> --server prefork' : 'npm run serve';
}

function replay(b: Block, curl: string[], server: ServerOutcome['server']): void {
  if (curl.length === 0) return;
  const rows = [`with \`${serveCommand(server)}\` running in another terminal:`];
  // CMD has no line continuation a student would paste: its lines stay whole (the terminal wraps them).
  for (const command of curl) rows.push(...(HOST_SHELL === 'cmd' ? [safe(command)] : shellLines(safe(command), b.width - INDENT.length - LABEL_CELLS)));
  // Commands are laid out here, not wrapped again: their breaks are shell continuations.
  b.lines.push(`${INDENT}${b.style.dim('replay'.padEnd(LABEL_CELLS))}${rows[0]}`);
  for (const row of rows.slice(1)) b.lines.push(`${INDENT}${' '.repeat(LABEL_CELLS)}${b.style.cyan(row)}`);
}

export interface DetailOptions {
  style: Style;
  width: number;
  verbose: boolean;
  limits?: ExcerptLimits;
  /** The run's --seed: a property test's failure tells how to reproduce it. */
  runSeed: number;
}

/**
 * Lines explaining why `test` failed on the given servers. `outcomes` share
 * one explanation (the caller groups servers that failed the same way).
 */
export function failureDetails(test: TestResult, outcomes: ServerOutcome[], options: DetailOptions): string[] {
  const first = outcomes[0];
  if (!first) return [];
  const b: Block = { style: options.style, width: options.width, lines: [] };
  const servers = outcomes.map((o) => o.server).join(' and ');
  const head = `      ${options.style.red('✗')} on ${servers}: `;
  const message = wrap(safe(failureMessage(first)), options.width - 6 - 2 - servers.length - 6);
  b.lines.push(`${head}${options.style.bold(message[0] ?? '')}`);
  for (const rest of message.slice(1)) b.lines.push(`${INDENT}${options.style.bold(rest)}`);
  if (first.status === 'skipped') return b.lines;

  transcript(b, first, options.verbose, options.limits ?? DEFAULT_LIMITS);
  for (const f of failureFields(first.failure, test, options.runSeed)) {
    const paint = f.label === 'expected' ? options.style.green : f.label === 'got' ? options.style.red
      : f.label === 'hint' || f.label === 'fix' ? options.style.yellow : undefined;
    labelled(b, f.label, f.value, paint);
  }
  printed(b, first, options.verbose);
  replay(b, first.curl, first.server);
  return b.lines;
}
