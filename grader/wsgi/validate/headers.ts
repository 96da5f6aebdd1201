/**
 * The response_headers argument of start_response().
 *
 * PEP 3333 "The start_response() Callable": a real list of (name, value)
 * string pairs; names are field-names without a trailing colon; values hold
 * no control characters, CR and LF included; no "Status" header (that is
 * CGI). "Other HTTP Features": no hop-by-hop headers. "Unicode Issues":
 * ISO-8859-1 only. "Handling the Content-Length Header": one decimal length.
 */
import type { Header } from '../types.ts';
import { violation } from './codes.ts';
import { firstControlChar, firstNonLatin1, kind, show, showChar } from './describe.ts';

// wsgiref.validate's header_re: a letter, then letters, digits, "-" or "_".
const NAME = /^[a-zA-Z][a-zA-Z0-9\-_]*$/;

/** RFC 2616 §13.5.1 hop-by-hop headers (plus "Trailer", RFC 9110's spelling). */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** Statuses whose responses never have a body (RFC 9110 §15.3.5, §15.4.5). */
export function isBodiless(code: number): boolean {
  return code === 204 || code === 304;
}

function headersHint(headers: unknown): string | undefined {
  if (headers instanceof Map) return 'Convert the Map with Array.from(map).';
  if (typeof headers === 'object' && headers !== null && typeof (headers as { entries?: unknown }).entries === 'function') {
    return 'Convert it with Array.from(headers.entries()).';
  }
  // A plain object: the table's fix already teaches Object.entries().
  return undefined;
}

function checkPair(item: unknown, index: number): Header {
  if (!Array.isArray(item) || item.length !== 2) {
    const hint = typeof item === 'string' && item.includes(':')
      ? `Split "name: value" into a pair: ${show(item.split(/:\s*/, 2))}.`
      : undefined;
    throw violation('header-format', `header #${index} is ${show(item)}, not a [name, value] pair`, hint);
  }
  const [name, value] = item as [unknown, unknown];
  if (typeof name !== 'string') {
    throw violation('header-format', `header #${index} has the name ${show(name)} (${kind(name)}), not a string`);
  }
  if (typeof value !== 'string') {
    const hint = typeof value === 'number' ? `Write [${show(name)}, String(${value})].` : undefined;
    throw violation('header-format', `the header ${show(name)} has the value ${show(value)} (${kind(value)}), not a string`, hint);
  }
  return [name, value];
}

function checkName(name: string): void {
  if (name.toLowerCase() === 'status') {
    throw violation('header-name-status', `the headers contain a "${name}" header`);
  }
  if (name.includes(':') || name.includes('\n')) {
    throw violation('header-name-invalid', `the header name ${show(name)} contains ":" or a newline`,
      name.includes(':') ? `Put only "${name.split(':')[0]?.trim()}" in the name and the rest in the value.` : undefined);
  }
  if (!NAME.test(name)) {
    throw violation('header-name-invalid', `the header name ${show(name)} is not a valid field name`);
  }
  if (name.endsWith('-') || name.endsWith('_')) {
    throw violation('header-name-invalid', `the header name ${show(name)} ends in "${name.slice(-1)}"`);
  }
}

function checkValue(name: string, value: string): void {
  const control = firstControlChar(value);
  if (control !== undefined) {
    const crlf = control === '\r' || control === '\n';
    throw violation('header-value-control-chars',
      `the value of the header "${name}" contains the control character ${showChar(control)}: ${show(value)}`,
      crlf
        ? 'A CR/LF in a header value looks like header injection (response splitting): if the value comes from the request, reject or encode it; never copy user input into a header as is.'
        : undefined);
  }
  const wide = firstNonLatin1(value);
  if (wide !== undefined) {
    throw violation('not-latin1', `the value of the header "${name}" contains ${show(wide)}, which is not ISO-8859-1`);
  }
}

/**
 * Check response_headers and return them as pairs (the same array: the
 * server may modify it, PEP 3333 "The start_response() Callable").
 */
export function checkHeaders(headers: unknown): Header[] {
  if (!Array.isArray(headers)) {
    throw violation('headers-not-list', `startResponse() got ${kind(headers)} as headers`, headersHint(headers));
  }
  headers.forEach((item: unknown, index: number) => {
    const [name, value] = checkPair(item, index);
    checkName(name);
    checkValue(name, value);
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
      throw violation('hop-by-hop-header', `the application sent the hop-by-hop header "${name}: ${value}"`,
        name.toLowerCase() === 'transfer-encoding' ? 'Never chunk or compress with Transfer-Encoding yourself;' : undefined);
    }
  });
  return headers as Header[];
}

/**
 * Content-Type is required unless the status is 204 or 304, and forbidden on
 * those (wsgiref.validate's check_content_type: WSGI has no default type).
 */
export function checkContentType(code: number, headers: readonly Header[]): void {
  const hasType = headers.some(([name]) => name.toLowerCase() === 'content-type');
  if (hasType && isBodiless(code)) {
    throw violation('content-type-forbidden', `a ${code} response has a Content-Type header`);
  }
  if (!hasType && !isBodiless(code)) {
    throw violation('content-type-missing', `the ${code} response has no Content-Type header`,
      code === 200 || code === 201 ? undefined : 'Even error responses need one, e.g. text/plain for a short message.');
  }
}

/** The Content-Length the app declared, if any; checked to be one decimal number. */
export function declaredLength(headers: readonly Header[]): number | undefined {
  const values = headers.filter(([name]) => name.toLowerCase() === 'content-length').map(([, value]) => value);
  if (values.length === 0) return undefined;
  if (values.length > 1) {
    throw violation('content-length-format', `the headers contain ${values.length} Content-Length headers (${show(values)})`);
  }
  const value = values[0] ?? '';
  if (!/^\d{1,15}$/.test(value)) {
    throw violation('content-length-format', `the Content-Length header is ${show(value)}`);
  }
  return Number(value);
}
