/**
 * A failing test explained as labelled lines: what was sent, what came back,
 * what was expected, the rule, the hint, the contract violation, how to
 * replay it. Each report lays these out its own way (terminal columns,
 * Markdown, plain text) from the same content.
 */
import type { Exchange, Failure, ServerOutcome, TestResult } from '../results/types.ts';
import { excerptLines } from './cap.ts';

/** Request headers worth showing a student; Host, User-Agent and the like are noise. */
const KEY_REQUEST_HEADERS = new Set([
  'content-type', 'content-length', 'transfer-encoding', 'accept', 'if-none-match', 'if-match',
  'if-modified-since', 'expect', 'connection',
]);

/** Headers the servers add to every response: noise next to what the app sent (the JSON report keeps them). */
const SERVER_ADDED_HEADERS = new Set(['date', 'server', 'keep-alive']);

export interface ExcerptLimits {
  /** Bytes of a body kept. */
  bodyBytes: number;
  /** Lines of a body kept. */
  bodyLines: number;
  /** Response headers shown before "… N more". */
  headers: number;
}

export const DEFAULT_LIMITS: ExcerptLimits = { bodyBytes: 600, bodyLines: 12, headers: 10 };

export interface ExchangeText {
  /** "POST /todos" then key headers, then the body excerpt. */
  request: string[];
  /** "501 Not Implemented" then headers, then the body excerpt; or the transport error. */
  response: string[];
}

function bodyLines(body: string | undefined, limits: ExcerptLimits, truncatedUpstream = false): string[] {
  if (body === undefined || body === '') return [];
  const text = excerptLines(body, limits.bodyLines, limits.bodyBytes);
  // The truncation mark goes on a line of its own, where nobody reads it as body.
  const mark = /… \[truncated \d+ bytes\]$/.exec(text);
  const kept = mark ? text.slice(0, mark.index).replace(/\n$/, '') : text;
  const lines = kept.split('\n');
  if (mark) lines.push(mark[0]);
  else if (truncatedUpstream) lines.push('… [truncated by the grader]');
  return ['', ...lines];
}

/** One exchange as text lines, body excerpted. */
export function exchangeText(ex: Exchange, limits: ExcerptLimits = DEFAULT_LIMITS): ExchangeText {
  const request = [`${ex.request.method} ${ex.request.target}`];
  for (const [name, value] of ex.request.headers) {
    const key = name.toLowerCase();
    // keep-alive is HTTP/1.1's default: noise on every request the client sends.
    if (KEY_REQUEST_HEADERS.has(key) && !(key === 'connection' && value.toLowerCase() === 'keep-alive')) request.push(`${name}: ${value}`);
  }
  request.push(...bodyLines(ex.request.body, limits));

  const response: string[] = [];
  if (ex.response) {
    response.push(`${ex.response.status}${ex.response.reason ? ` ${ex.response.reason}` : ''}`);
    const headers = ex.response.headers.filter(([name]) => !SERVER_ADDED_HEADERS.has(name.toLowerCase()));
    const shown = headers.slice(0, limits.headers);
    for (const [name, value] of shown) response.push(`${name}: ${value}`);
    const more = headers.length - shown.length;
    if (more > 0) response.push(`… ${more} more header${more === 1 ? '' : 's'}`);
    response.push(...bodyLines(ex.response.body, limits, ex.response.bodyTruncated === true));
  } else {
    response.push(`no response: ${ex.error ?? 'the connection closed without an answer'}`);
  }
  return { request, response };
}

/** The exchange a failure is about: the last one the test sent. */
export function failingExchange(outcome: ServerOutcome): Exchange | undefined {
  return outcome.transcript.at(-1);
}

export interface Field {
  label: 'expected' | 'got' | 'why' | 'hint' | 'contract' | 'fix' | 'seed';
  value: string;
}

/**
 * How a student replays a property test's random sequences: the run's
 * --seed (the test's own seed is derived from it and the test id, so given
 * to --seed it would replay different sequences).
 */
export function reproduceLine(runSeed: number): string {
  return `reproduce with: npm run grade -- --seed ${runSeed}`;
}

/** The labelled explanation of a failure, in reading order; `runSeed` is the run's --seed. */
export function failureFields(failure: Failure | undefined, test: TestResult, runSeed: number): Field[] {
  const fields: Field[] = [];
  if (failure?.expected) fields.push({ label: 'expected', value: failure.expected });
  if (failure?.actual) fields.push({ label: 'got', value: failure.actual });
  fields.push({ label: 'why', value: failure?.why ?? test.rule });
  if (failure?.hint) fields.push({ label: 'hint', value: failure.hint });
  if (failure?.violation) {
    const v = failure.violation;
    fields.push({ label: 'contract', value: `${v.code} (PEP 3333 "${v.section}")` });
    fields.push({ label: 'fix', value: v.fix });
  }
  if (test.seed !== undefined) fields.push({ label: 'seed', value: reproduceLine(runSeed) });
  return fields;
}

/** The one-line reason of an outcome that did not pass. */
export function failureMessage(outcome: ServerOutcome): string {
  if (outcome.status === 'skipped') return outcome.skipReason === undefined ? 'skipped' : `skipped: ${outcome.skipReason}`;
  return outcome.failure?.message ?? failingExchange(outcome)?.error ?? 'failed';
}

/** Whether two outcomes failed the same way, so a report can explain them once. */
export function sameFailure(a: ServerOutcome, b: ServerOutcome): boolean {
  const key = (o: ServerOutcome): string => JSON.stringify([
    o.status, o.failure, o.transcript.map((e) => [e.request.method, e.request.target, e.response?.status, e.response?.body, e.error]),
  ]);
  return key(a) === key(b);
}

/** Lines of the app's own output shown under a failure, unless all are asked for. */
const PRINTED_LINES = 12;

/**
 * What the app printed during the test, one row per line (stderr and
 * wsgi.errors lines tagged), and how many more lines were left out.
 */
function printedRows(outcome: ServerOutcome, all = false): { rows: string[]; more: number } {
  const rows: string[] = [];
  for (const piece of outcome.appOutput ?? []) {
    const tag = piece.stream === 'stdout' ? '' : `[${piece.stream}] `;
    for (const line of piece.text.replace(/\r?\n$/, '').split(/\r?\n/)) rows.push(`${tag}${line}`);
  }
  if (all || rows.length <= PRINTED_LINES) return { rows, more: 0 };
  return { rows: rows.slice(0, PRINTED_LINES), more: rows.length - PRINTED_LINES };
}

/** printedRows() with the lines left out counted in a last row. */
export function printedText(outcome: ServerOutcome, all = false, more = (n: number) => `[… ${n} more lines]`): string[] {
  const printed = printedRows(outcome, all);
  return printed.more > 0 ? [...printed.rows, more(printed.more)] : printed.rows;
}

/**
 * The whole explanation as plain text (JUnit, Classroom, Gradescope text):
 * message, fields, the failing exchange, the app's output, the replay commands.
 */
export function failurePlainText(test: TestResult, outcome: ServerOutcome, runSeed: number, limits: ExcerptLimits = DEFAULT_LIMITS): string {
  const lines = [failureMessage(outcome), ''];
  for (const f of failureFields(outcome.failure, test, runSeed)) lines.push(`${f.label}: ${f.value}`);
  const ex = failingExchange(outcome);
  if (ex) {
    const text = exchangeText(ex, limits);
    const earlier = outcome.transcript.length - 1;
    lines.push('', `request sent${earlier > 0 ? ` (the last of ${outcome.transcript.length})` : ''}:`);
    lines.push(...text.request.map((l) => `  ${l}`));
    lines.push('response received:', ...text.response.map((l) => `  ${l}`));
  }
  const printed = printedText(outcome);
  if (printed.length > 0) lines.push('', 'the app printed:', ...printed.map((l) => `  ${l}`));
  if (outcome.curl.length > 0) {
    lines.push('', 'replay against npm run serve:', ...outcome.curl.map((c) => `  ${c}`));
  }
  return lines.join('\n');
}
