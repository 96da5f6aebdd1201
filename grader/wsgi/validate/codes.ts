/**
 * Every rule validate() enforces, keyed by a stable kebab-case code.
 *
 * One table holds the rule, the usual fix, the PEP 3333 heading and the side
 * that broke it, so messages stay consistent and tests and docs can list all
 * codes. A check only says what it saw (the "problem") and, where it can, a
 * hint for this very case. Codes shared with the servers' own checks
 * (grader/wsgi/app-result.ts, response-rules.ts) keep the same names, so a
 * report reads the same with or without the validator.
 */
import { WsgiViolation } from '../violation.ts';

export type Side = 'application' | 'server';

export interface RuleInfo {
  /** The rule, in one sentence. */
  rule: string;
  /** The usual fix; a check may add a hint for the case at hand. */
  fix: string;
  /** PEP 3333 heading the rule is found under. */
  section: string;
  side: Side;
}

const APP_SIDE = 'The Application/Framework Side';
const DETAILS = 'Specification Details';
const ENVIRON = 'environ Variables';
const STREAMS = 'Input and Error Streams';
const START = 'The start_response() Callable';
const LENGTH = 'Handling the Content-Length Header';
const WRITE = 'The write() Callable';
const STRINGS = 'A Note On String Types';
const UNICODE = 'Unicode Issues';
const HTTP = 'Other HTTP Features';

function app(section: string, rule: string, fix: string): RuleInfo {
  return { rule, fix, section, side: 'application' };
}

function server(section: string, rule: string, fix: string): RuleInfo {
  return { rule, fix, section, side: 'server' };
}

export const VIOLATION_CODES = {
  // ── the application's call and result ───────────────────────────────────
  'async-application': app(APP_SIDE,
    'The application is one synchronous function returning an iterable of bytes; a Promise or an async iterable is not one.',
    'Remove `async` (use `function`, or `function*` for a generator) and do the work synchronously.'),
  'result-missing': app(DETAILS,
    'The application must return an iterable of bytestrings, if only an empty array.',
    'End the application with `return [body]` (or `return []` for an empty body).'),
  'result-is-string': app(STRINGS,
    'The application returns an iterable OF bytestrings; a string is text, and iterating it yields characters.',
    'Return [Buffer.from(text)] (or [new TextEncoder().encode(text)]).'),
  'result-is-bytes': app(DETAILS,
    'The application returns an iterable OF bytestrings; iterating one Uint8Array yields numbers, byte by byte.',
    'Wrap the body in an array: return [body].'),
  'result-not-iterable': app(DETAILS,
    'The application returns an iterable (an array, a generator, an object with [Symbol.iterator]) of bytestrings.',
    'Return [body]: status and headers go to startResponse(), only the body is returned.'),
  'body-not-bytes': app(STRINGS,
    'Every body chunk is a bytestring (a Uint8Array), never text or numbers.',
    'Encode text with Buffer.from(text) or new TextEncoder().encode(text) before returning or yielding it.'),
  'no-start-response': app(DETAILS,
    'The application must call startResponse() before its iterable yields the first non-empty bytestring (or ends).',
    'Call startResponse(status, headers) first — inside the generator is fine, as long as it comes before the first chunk.'),

  // ── start_response() ────────────────────────────────────────────────────
  'start-response-args': app(START,
    "startResponse() takes 2 positional arguments, or 3 with excInfo (PEP 3333's exc_info).",
    'Call startResponse("200 OK", [["Content-Type", "text/plain"]]).'),
  'start-response-twice': app(START,
    'startResponse() may be called again only with excInfo, from an error handler.',
    'Call startResponse() once; to replace a response after an error, pass the caught error as the third argument.'),
  'status-format': app(START,
    'The status is a string: a 3-digit final status code (200–599), one space, and a reason phrase, with nothing around it.',
    'Pass a status like "200 OK" or "404 Not Found".'),
  'status-control-chars': app(START,
    'The status must not contain control characters, nor end with CR or LF.',
    'Remove control characters (\\r, \\n, \\t ...) from the status string.'),
  'headers-not-list': app(START,
    'Response headers are an array of [name, value] pairs.',
    'Pass an array like [["Content-Type", "text/plain"]]; from an object use Object.entries(headers).'),
  'header-format': app(START,
    'Each header is a [name, value] pair: an array of exactly two strings.',
    'Write each header as ["Name", "value"], converting numbers with String(n).'),
  'header-name-status': app(START,
    'There is no "Status" header in WSGI: the status is startResponse()\'s first argument (the header comes from CGI).',
    'Remove the Status header and pass the status as the first argument, e.g. "404 Not Found".'),
  'header-name-invalid': app(START,
    'A header name is a token: a letter, then letters, digits, "-" or "_", not ending in "-" or "_" (no ":", spaces or newlines).',
    'Use the bare name, e.g. "Content-Type" (not "Content-Type:").'),
  'header-value-control-chars': app(START,
    'A header value must not contain control characters (\\x00–\\x1f, \\x7f), CR and LF included, embedded or at the end.',
    'Remove control characters from the value.'),
  'not-latin1': app(UNICODE,
    'Status and header strings may hold only ISO-8859-1 characters (\\u0000–\\u00ff).',
    'Keep non-Latin-1 text in the body (encoded as UTF-8), or percent-encode it (encodeURIComponent) in a header.'),
  'hop-by-hop-header': app(HTTP,
    'Applications must not send hop-by-hop headers (Connection, Keep-Alive, Proxy-Authenticate, Proxy-Authorization, TE, Trailer(s), Transfer-Encoding, Upgrade): the connection is the server\'s business.',
    'Remove the header; the server decides about keep-alive and chunking.'),
  'content-type-missing': app(START,
    'A response with a body needs a Content-Type (WSGI has no default); only 204 and 304 have none.',
    'Add a header such as ["Content-Type", "application/json"].'),
  'content-type-forbidden': app(START,
    'A 204 or 304 response has no body, so it has no Content-Type.',
    'Remove the Content-Type header from 204 and 304 responses.'),
  'content-length-format': app(LENGTH,
    'Content-Length, when given, is one decimal number of bytes.',
    'Send one Content-Length header with the body\'s byte length, e.g. String(body.byteLength).'),
  'content-length-exceeded': app(LENGTH,
    'The body must not be longer than the Content-Length the application declared.',
    'Declare the byte length, not the string length: String(Buffer.byteLength(text)) — or leave Content-Length out.'),
  'content-length-short': app(LENGTH,
    'The body must be as long as the Content-Length the application declared; the server has to cut the connection otherwise.',
    'Compute Content-Length from the bytes you send (body.byteLength), or leave it out.'),
  'body-on-bodiless-status': app(HTTP,
    'A 204 or 304 response has no body (HTTP, which WSGI applications follow).',
    'Return [] for 204 and 304 responses, or use 200 when there is content.'),

  // ── write() and the streams ─────────────────────────────────────────────
  'write-not-bytes': app(WRITE,
    'write() takes one argument: a bytestring (Uint8Array).',
    'Encode text first: write(Buffer.from(text)).'),
  'write-after-return': app(WRITE,
    'write() must not be called from within the returned iterable (nor after the application returned).',
    'Yield the chunk from the generator instead of calling write() there.'),
  'input-read-args': app(STREAMS,
    'wsgi.input.read(size?) and readline(size?) take at most one integer; readlines(hint?) at most one integer.',
    'Pass an integer, e.g. read(Number(environ.CONTENT_LENGTH || 0)) — CONTENT_LENGTH may be absent or "".'),
  'input-read-past-content-length': app(STREAMS,
    'The application should not read more than CONTENT_LENGTH bytes from wsgi.input (absent or "" means no body).',
    'Read exactly the body: read(Number(environ.CONTENT_LENGTH || 0)), or read() for the rest.'),
  'stream-close': app(STREAMS,
    'Applications must not close wsgi.input or wsgi.errors: the server owns them.',
    'Remove the close() call.'),
  'errors-write-not-string': app(STREAMS,
    'wsgi.errors is a text stream: write() takes one string, writelines() an iterable of strings.',
    'Convert first, e.g. write(String(value) + "\\n") or write(JSON.stringify(value) + "\\n").'),

  // ── the server's side ───────────────────────────────────────────────────
  'app-call-args': server(DETAILS,
    'The server calls the application with exactly two positional arguments: environ and startResponse.',
    'Call application(environ, startResponse).'),
  'environ-type': server(DETAILS,
    'environ is a plain object (prototype Object.prototype or null), built fresh for each request.',
    'Build environ as an object literal ({ ... }), not a Map or class instance.'),
  'environ-missing-key': server(ENVIRON,
    'environ holds REQUEST_METHOD, SERVER_NAME, SERVER_PORT (never empty), SERVER_PROTOCOL and every wsgi.* key.',
    'Set the missing key when building environ.'),
  'environ-http-content-header': server(ENVIRON,
    'Content-Type and Content-Length go to CONTENT_TYPE and CONTENT_LENGTH, never HTTP_CONTENT_TYPE / HTTP_CONTENT_LENGTH.',
    'Store those two headers without the HTTP_ prefix.'),
  'environ-value-not-string': server(ENVIRON,
    'Every CGI variable (a key without a dot) has a string value.',
    'Convert the value with String(...) when building environ.'),
  'environ-not-latin1': server(UNICODE,
    'Strings the server passes in environ hold only ISO-8859-1 characters.',
    'Decode request bytes as latin1 (Buffer#toString("latin1")), not UTF-8.'),
  'environ-wsgi-version': server(ENVIRON,
    'wsgi.version is [1, 0].',
    'Set environ["wsgi.version"] = [1, 0].'),
  'environ-url-scheme': server(ENVIRON,
    'wsgi.url_scheme is "http" or "https".',
    'Set environ["wsgi.url_scheme"] to "http" (or "https" behind TLS).'),
  'environ-flag-type': server(ENVIRON,
    'wsgi.multithread, wsgi.multiprocess and wsgi.run_once are booleans.',
    'Set them to true or false.'),
  'environ-input-methods': server(STREAMS,
    'wsgi.input offers read, readline, readlines and iteration ([Symbol.iterator]).',
    'Provide all four methods on wsgi.input.'),
  'environ-errors-methods': server(STREAMS,
    'wsgi.errors offers write, writelines and flush.',
    'Provide all three methods on wsgi.errors.'),
  'environ-path': server(ENVIRON,
    'SCRIPT_NAME and PATH_INFO are empty or start with "/", and at least one of them is set.',
    'Use SCRIPT_NAME "" and PATH_INFO "/..." for an application mounted at the root.'),
  'environ-script-name-root': server(ENVIRON,
    'SCRIPT_NAME is never "/": an application at the root has SCRIPT_NAME "" and PATH_INFO "/".',
    'Set SCRIPT_NAME to "" and put the "/" in PATH_INFO.'),
  'environ-content-length': server(ENVIRON,
    'CONTENT_LENGTH, when set and not empty, is a non-negative integer.',
    'Copy a valid Content-Length header, or leave CONTENT_LENGTH out (or "").'),
  'input-result-type': server(STREAMS,
    'wsgi.input returns bytestrings: read() and readline() a Uint8Array, readlines() an array of them.',
    'Return Uint8Array values from the input stream.'),
  'iterable-used-after-close': server(DETAILS,
    'Once the server called close() on the response iterable, it must not iterate it any more.',
    'Stop iterating before calling close().'),
  'iterable-not-closed': server(DETAILS,
    'The server must call the response iterable\'s close() when the request is done — after success, error or disconnect.',
    'Call body.close?.() in a finally block around the iteration.'),
  'exc-info-not-reraised': server(START,
    'startResponse() called with excInfo after the headers were sent must raise (re-throw the error).',
    'In startResponse(), throw excInfo when it is given and the headers are already out.'),
} as const satisfies Record<string, RuleInfo>;

export type ViolationCode = keyof typeof VIOLATION_CODES;

/** Warnings are written to wsgi.errors; they never stop a request. */
export const WARNING_CODES = {
  'unknown-request-method': server(ENVIRON,
    'REQUEST_METHOD is usually one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT.',
    'Nothing to fix if the method is intended; the application should answer 405 or 501 to methods it does not know.'),
} as const satisfies Record<string, RuleInfo>;

export type WarningCode = keyof typeof WARNING_CODES;

/** All codes, for tests and documentation. */
export const ALL_VIOLATION_CODES = Object.keys(VIOLATION_CODES) as ViolationCode[];

/**
 * Build the violation for `code`. `problem` says what was seen; `hint`, when
 * given, is put before the table's fix to address this very case.
 */
export function violation(code: ViolationCode, problem: string, hint?: string): WsgiViolation {
  const info: RuleInfo = VIOLATION_CODES[code];
  return new WsgiViolation({
    code,
    problem,
    rule: info.rule,
    fix: hint === undefined ? info.fix : `${hint} ${info.fix}`,
    section: info.section,
    side: info.side,
  });
}

/** A warning line for wsgi.errors, in the same shape as a violation's message. */
export function warningLine(code: WarningCode, problem: string): string {
  const info: RuleInfo = WARNING_CODES[code];
  return `WSGI warning: ${problem} — ${info.rule} ${info.fix} (PEP 3333, "${info.section}") [${code}]\n`;
}
