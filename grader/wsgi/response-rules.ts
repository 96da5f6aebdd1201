/**
 * The server's own checks of what an application passes to start_response().
 *
 * The validator (grader/wsgi/validate/) checks much more and teaches; these
 * are the few rules a server cannot do without, because breaking them would
 * break HTTP framing or the server itself — wsgiref's start_response() asserts
 * the same ones. A broken rule throws a {@link WsgiViolation} into the app,
 * which the handler turns into a 500 (PEP 3333 "Error Handling").
 */
import { WsgiViolation } from './violation.ts';
import type { Header } from './types.ts';

const SECTION = 'The start_response() Callable';

/** PEP 3333 "Other HTTP Features": hop-by-hop headers belong to the server. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

// RFC 9110 §5.1 token; a status line's reason phrase is field text (§5.5: HTAB, visible ASCII, obs-text).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS = /^([1-9]\d\d) ([\t\x20-\x7e\x80-\xff]*)$/;

/** RFC 9110 §5.5 field-value characters: HTAB, visible ASCII and SP, obs-text (a loop: values are short, and a regular expression's call costs more). */
function isFieldText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || code > 0xff) return false;
  }
  return true;
}

/**
 * Check a status line and return its code (PEP 3333 "The start_response()
 * Callable": "999 Message here", a code, one space, a reason phrase, no
 * control characters). Codes outside 200–599 are refused: a WSGI app gives
 * the final response, and 1xx responses are interim (RFC 9110 §15.2).
 */
export function parseStatus(status: unknown): number {
  // An app answers with the same few statuses: each well-formed one is matched once.
  const known = typeof status === 'string' ? STATUS_CODES.get(status) : undefined;
  if (known !== undefined) return known;
  const match = typeof status === 'string' ? STATUS.exec(status) : null;
  const code = match ? Number(match[1]) : NaN;
  if (!(code >= 200 && code <= 599)) {
    throw new WsgiViolation({
      code: 'status-format',
      problem: `startResponse() got the status ${JSON.stringify(status)}`,
      rule: 'The status is a string: a final 3-digit code (200-599), one space, and a reason phrase.',
      fix: 'Pass a status like "200 OK" or "404 Not Found".',
      section: SECTION,
    });
  }
  if (STATUS_CODES.size < KNOWN_MAX) STATUS_CODES.set(status as string, code);
  return code;
}

/** Statuses and header names already found well-formed; bounded, so an app can't grow them without end. */
const KNOWN_MAX = 256;
const STATUS_CODES = new Map<string, number>();
const GOOD_NAMES = new Set<string>();

/**
 * Check response headers and return a copy (PEP 3333 "The start_response()
 * Callable": a list of [name, value] string pairs; names are tokens, values
 * hold no control characters; no hop-by-hop headers — PEP 3333 "Other HTTP
 * Features"). The copy keeps later changes of the app's array out.
 */
export function checkHeaders(headers: unknown): Header[] {
  if (!Array.isArray(headers)) {
    throw new WsgiViolation({
      code: 'headers-not-list',
      problem: `startResponse() got headers of type ${typeof headers}`,
      rule: 'Response headers are a list of [name, value] pairs.',
      fix: 'Pass an array like [["Content-Type", "text/plain"]].',
      section: SECTION,
    });
  }
  return headers.map((header: unknown): Header => {
    const pair = Array.isArray(header) && header.length === 2 ? header : undefined;
    const [name, value] = pair ?? [undefined, undefined];
    if (typeof name === 'string' && typeof value === 'string' && GOOD_NAMES.has(name) && isFieldText(value)) return [name, value];
    if (typeof name !== 'string' || typeof value !== 'string' || !TOKEN.test(name) || !isFieldText(value)) {
      throw new WsgiViolation({
        code: 'header-format',
        problem: `startResponse() got the header ${JSON.stringify(header)}`,
        rule: 'Each header is a [name, value] pair of strings: the name a token, the value without control characters.',
        fix: 'Pass headers like ["Content-Type", "application/json"]; remove newlines from values.',
        section: SECTION,
      });
    }
    if (HOP_BY_HOP.has(name.toLowerCase())) {
      throw new WsgiViolation({
        code: 'hop-by-hop-header',
        problem: `startResponse() got the hop-by-hop header "${name}"`,
        rule: 'Applications must not send hop-by-hop headers; the connection is the server\'s business.',
        fix: `Remove the "${name}" header.`,
        section: 'Other HTTP Features',
      });
    }
    if (GOOD_NAMES.size < KNOWN_MAX) GOOD_NAMES.add(name);
    return [name, value];
  });
}

/**
 * The Content-Length the app declared, if any (PEP 3333 "Handling the
 * Content-Length Header": the server must not send more bytes than it says).
 * It must be one run of digits (RFC 9110 §8.6).
 */
export function declaredContentLength(headers: readonly Header[]): number | undefined {
  const values: string[] = [];
  for (const [name, value] of headers) {
    if (name.length === 14 && name.toLowerCase() === 'content-length') values.push(value);
  }
  if (values.length === 0) return undefined;
  if (values.length > 1 || !/^\d{1,15}$/.test(values[0]!)) {
    throw new WsgiViolation({
      code: 'content-length-format',
      problem: `the app sent Content-Length ${JSON.stringify(values.join(', '))}`,
      rule: 'Content-Length, when given, is one decimal number of bytes.',
      fix: 'Send one Content-Length header with the body\'s byte length, e.g. String(body.byteLength).',
      section: 'Handling the Content-Length Header',
    });
  }
  return Number(values[0]);
}

/** True when `headers` has a field called `name` (case-insensitive, RFC 9110 §5.1). */
export function hasHeader(headers: readonly Header[], name: string): boolean {
  const lower = name.toLowerCase();
  for (const [key] of headers) {
    // Names of another length can't match: most are skipped without lower-casing them.
    if (key.length === lower.length && key.toLowerCase() === lower) return true;
  }
  return false;
}
