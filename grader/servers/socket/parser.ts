/**
 * The request head parser: request line and header section (RFC 9112 §2-§5),
 * fed incrementally with whatever bytes the socket delivers.
 *
 * It is strict on purpose. Every leniency in a parser is a way for a proxy in
 * front and this server to disagree about where a request ends (request
 * smuggling, RFC 9112 §11.2), so where the RFC lets a recipient choose, this
 * parser rejects (see /work/shared/reference/http1-server-rules.md).
 *
 * Only the line being read is kept; finished lines are parsed at once, so
 * memory is bounded by the limits even when bytes arrive one at a time.
 */
import type { SocketLimits } from './limits.ts';
import { refuseTransferCoding } from '../common/transfer-coding.ts';
import {
  badRequest,
  contentTooLarge,
  expectationFailed,
  headerFieldsTooLarge,
  uriTooLong,
  versionNotSupported,
  type HttpError,
} from './errors.ts';

export type HttpVersion = 'HTTP/1.0' | 'HTTP/1.1';

/** How the request's body is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' };

/** The three parts of a request line (RFC 9112 §3). */
export interface RequestLine {
  /** Case-sensitive token, as sent (RFC 9110 §9.1). */
  readonly method: string;
  /** The request-target as sent: origin-form, absolute-form or "*". */
  readonly target: string;
  readonly version: HttpVersion;
}

/** A parsed and checked request head. */
export interface ParsedRequest extends RequestLine {
  /** Field lines in order; names as sent, values decoded as latin-1 with surrounding OWS removed. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly framing: BodyFraming;
  /** Whether the connection may stay open after the response (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** HTTP/1.1 request with Expect: 100-continue (RFC 9110 §10.1.1). */
  readonly expectContinue: boolean;
}


export type HeadResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'complete'; readonly request: ParsedRequest; readonly rest: Buffer }
  | { readonly kind: 'error'; readonly error: HttpError };

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;

/** tchar (RFC 9110 §5.6.2): the bytes a method or field name may use. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

export function isToken(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) if (TCHAR[b] !== 1) return false;
  return true;
}

/** The token check on a string of latin-1 characters, from `from` to `to`. */
function isTokenText(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (TCHAR[text.charCodeAt(i)] !== 1) return false;
  return true;
}

/** The first SP in text[from, to), or -1: spaces past `to` belong to later lines. */
function spaceIn(text: string, from: number, to: number): number {
  const at = text.indexOf(' ', from);
  return at < 0 || at >= to ? -1 : at;
}

const EMPTY = Buffer.alloc(0);

/** The bytes of `data` from `start` on, copied (a view would keep the whole socket chunk alive). */
function copyFrom(data: Buffer, start: number): Buffer {
  return start >= data.length ? EMPTY : Buffer.from(data.subarray(start));
}

/**
 * Feed with push(); it answers 'incomplete' until the head is complete, then
 * 'complete' with the bytes that followed it (body, pipelined requests), or
 * 'error' with the status to answer. One parser per request.
 *
 * Lines are scanned as latin-1 text: one character per byte, so string
 * offsets are byte offsets, and names and values are slices of one decoded
 * string rather than one buffer view and one decode each.
 */
export class HeadParser {
  private readonly limits: SocketLimits;
  /** The unfinished line (no LF seen yet). */
  private pending: Buffer = EMPTY;
  private parsedLine: RequestLine | undefined;
  private readonly fields: [string, string][] = [];
  private fieldBytes = 0;
  private done = false;
  /** Whether any byte of a request (beyond ignored empty lines) has arrived. */
  started = false;

  constructor(limits: SocketLimits) {
    this.limits = limits;
  }

  /** The request line, once parsed (for the log line of a refused request). */
  get requestLine(): RequestLine | undefined {
    return this.parsedLine;
  }

  push(chunk: Uint8Array): HeadResult {
    if (this.done) throw new Error('HeadParser: push() after the head was complete');
    const data = this.pending.length > 0
      ? Buffer.concat([this.pending, chunk])
      : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // A head is at most this long, so a large body that came in the same
    // chunk is not decoded with it (only empty lines before a request line
    // can make more worth reading: then the loop reads on).
    const cap = this.limits.maxRequestLine + this.limits.maxHeaderBytes + 8;
    let decoded = Math.min(data.length, cap);
    let text = data.toString('latin1', 0, decoded);
    let start = 0;
    for (;;) {
      const lf = text.indexOf('\n', start);
      if (lf < 0 && decoded < data.length) {
        text += data.toString('latin1', decoded, Math.min(data.length, decoded + cap));
        decoded = Math.min(data.length, decoded + cap);
        continue;
      }
      if (lf < 0) break;
      // RFC 9112 §2.2: lines end in CRLF; a bare LF is rejected here (strict choice).
      if (lf === start || text.charCodeAt(lf - 1) !== CR) return this.fail(badRequest('bare LF: lines must end in CRLF'));
      // A CR inside a line is a bare CR (RFC 9112 §2.2): never treat it as a line end.
      if (text.indexOf('\r', start) < lf - 1) return this.fail(badRequest('bare CR inside a line'));
      const error = this.line(text, start, lf - 1);
      start = lf + 1;
      if (error !== undefined) return this.fail(error);
      if (this.done) {
        const request = this.finish();
        if ('status' in request) return this.fail(request);
        return { kind: 'complete', request, rest: copyFrom(data, start) };
      }
    }
    this.pending = copyFrom(data, start);
    if (this.pending.length > 0 && !(this.parsedLine === undefined && this.pending.length === 1 && this.pending[0] === CR)) {
      this.started = true;
    }
    const tooLong = this.checkPendingLength();
    return tooLong === undefined ? { kind: 'incomplete' } : this.fail(tooLong);
  }

  /** An unfinished line may already be over its limit: answer now instead of buffering more. */
  private checkPendingLength(): HttpError | undefined {
    const n = this.pending.length;
    if (this.parsedLine === undefined) {
      // +1: the line's CR may be here while its LF isn't yet.
      if (n > this.limits.maxRequestLine + 1) return uriTooLong(`request line longer than ${this.limits.maxRequestLine} bytes`);
    } else if (this.fieldBytes + n > this.limits.maxHeaderBytes + 1) {
      return headerFieldsTooLarge(`header section larger than ${this.limits.maxHeaderBytes} bytes`);
    }
    return undefined;
  }

  private fail(error: HttpError): HeadResult {
    this.done = true;
    this.pending = EMPTY;
    return { kind: 'error', error };
  }

  /** One complete line, text[from, to), without its CRLF. */
  private line(text: string, from: number, to: number): HttpError | undefined {
    if (this.parsedLine === undefined) {
      // RFC 9112 §2.2: ignore at least one empty line before the request line
      // (some clients send an extra CRLF after a POST body).
      if (to === from) return undefined;
      this.started = true;
      return this.parseRequestLine(text, from, to);
    }
    if (to === from) {
      this.done = true;
      return undefined;
    }
    this.fieldBytes += to - from + 2;
    if (this.fieldBytes > this.limits.maxHeaderBytes) {
      return headerFieldsTooLarge(`header section larger than ${this.limits.maxHeaderBytes} bytes`);
    }
    if (this.fields.length >= this.limits.maxHeaderCount) {
      return headerFieldsTooLarge(`more than ${this.limits.maxHeaderCount} header fields`);
    }
    return this.parseFieldLine(text, from, to);
  }

  /** RFC 9112 §3: method SP request-target SP HTTP-version, exactly. */
  private parseRequestLine(text: string, from: number, to: number): HttpError | undefined {
    if (to - from > this.limits.maxRequestLine) {
      return uriTooLong(`request line longer than ${this.limits.maxRequestLine} bytes`);
    }
    const sp1 = spaceIn(text, from, to);
    const sp2 = sp1 < 0 ? -1 : spaceIn(text, sp1 + 1, to);
    if (sp1 <= from || sp2 < 0 || sp2 === sp1 + 1 || sp2 === to - 1 || spaceIn(text, sp2 + 1, to) >= 0) {
      return badRequest('request line must be "METHOD SP target SP HTTP/1.x" with single spaces');
    }
    if (!isTokenText(text, from, sp1)) return badRequest('method is not a token (RFC 9110 §9.1)');
    const method = text.slice(from, sp1);
    const target = text.slice(sp1 + 1, sp2);
    const versionText = text.slice(sp2 + 1, to);
    // RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
    if (versionText !== 'HTTP/1.1' && versionText !== 'HTTP/1.0') {
      if (!/^HTTP\/[0-9]\.[0-9]$/.test(versionText)) return badRequest('malformed HTTP version');
      // A well-formed version we don't speak (HTTP/2.0 preface, 0.9, 1.2...): RFC 9110 §15.6.6.
      return versionNotSupported(`${versionText} is not supported; use HTTP/1.1 or HTTP/1.0`);
    }
    const targetError = checkTarget(method, target);
    if (targetError !== undefined) return badRequest(targetError);
    this.parsedLine = { method, target, version: versionText };
    return undefined;
  }

  /** RFC 9112 §5: field-name ":" OWS field-value OWS. */
  private parseFieldLine(text: string, start: number, end: number): HttpError | undefined {
    // §5.2: obs-fold is obsolete; §2.2: whitespace right after the start line
    // could hide a header from us that a proxy would see. Reject both.
    const first = text.charCodeAt(start);
    if (first === SP || first === HTAB) return badRequest('line folding (obs-fold) or whitespace at the start of a header line');
    const colon = text.indexOf(':', start);
    if (colon <= start || colon >= end) return badRequest('header line without a field name and ":"');
    // §5.1: no whitespace between name and colon (MUST 400): a token check catches it.
    if (!isTokenText(text, start, colon)) return badRequest('invalid header field name (whitespace before ":"?)');
    let from = colon + 1;
    let to = end;
    while (from < to && (text.charCodeAt(from) === SP || text.charCodeAt(from) === HTAB)) from++;
    while (to > from && (text.charCodeAt(to - 1) === SP || text.charCodeAt(to - 1) === HTAB)) to--;
    for (let i = from; i < to; i++) {
      const b = text.charCodeAt(i);
      // RFC 9110 §5.5: CR, LF and NUL are never allowed; other controls
      // (but HTAB) and DEL are rejected too in this project.
      if ((b < 0x20 && b !== HTAB) || b === 0x7f) return badRequest('control character in a header field value');
    }
    this.fields.push([text.slice(start, colon), text.slice(from, to)]);
    return undefined;
  }

  /** The header section is complete: apply the semantic checks (RFC 9112 §3.2, §6). */
  private finish(): ParsedRequest | HttpError {
    const request = this.parsedLine!;
    const fields = this.fields;
    // The values of the fields that decide framing and persistence, in one pass over the fields.
    const hosts: string[] = [];
    const transferEncodings: string[] = [];
    const contentLengths: string[] = [];
    const connectionValues: string[] = [];
    const expectValues: string[] = [];
    for (const [name, value] of fields) {
      // Names are tokens (ASCII), so only names of these lengths can match.
      const length = name.length;
      if (length !== 4 && length !== 6 && length !== 10 && length !== 14 && length !== 17) continue;
      const lower = name.toLowerCase();
      if (lower === 'host') hosts.push(value);
      else if (lower === 'transfer-encoding') transferEncodings.push(value);
      else if (lower === 'content-length') contentLengths.push(value);
      else if (lower === 'connection') connectionValues.push(value);
      else if (lower === 'expect') expectValues.push(value);
    }
    const http11 = request.version === 'HTTP/1.1';

    // RFC 9112 §3.2: exactly one valid Host on HTTP/1.1; never several.
    if (http11 && hosts.length === 0) return badRequest('HTTP/1.1 request without a Host header (RFC 9112 §3.2)');
    if (hosts.length > 1) return badRequest('more than one Host header (RFC 9112 §3.2)');
    if (hosts.length === 1 && !HOST.test(hosts[0]!)) return badRequest('invalid Host header');

    let framing: BodyFraming = { kind: 'none' };
    if (transferEncodings.length > 0) {
      // RFC 9112 §6.1: a 1.0 recipient can't know chunked, so the framing is faulty.
      if (!http11) return badRequest('Transfer-Encoding in an HTTP/1.0 request');
      // §6.3 item 3: both headers is a smuggling attempt or a broken sender.
      if (contentLengths.length > 0) return badRequest('both Transfer-Encoding and Content-Length');
      // RFC 9112 §6.1/§7: only chunked, once, and last; other codings → 501.
      const coding = refuseTransferCoding(transferEncodings);
      if (coding !== undefined) return coding;
      framing = { kind: 'chunked' };
    } else if (contentLengths.length > 0) {
      const length = contentLength(contentLengths);
      if (typeof length !== 'number') return length;
      // Refuse before reading a byte of it (waitress does the same).
      if (length > this.limits.maxBodyBytes) return contentTooLarge(`body larger than ${this.limits.maxBodyBytes} bytes`);
      framing = length === 0 ? { kind: 'none' } : { kind: 'length', length };
    }

    // RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
    const connection = tokens(connectionValues);
    const keepAlive = !connection.includes('close') && (http11 || connection.includes('keep-alive'));

    // RFC 9110 §10.1.1: 100-continue is the only expectation defined; other
    // ones may get 417. A server ignores Expect from an HTTP/1.0 client.
    let expectContinue = false;
    const expects = tokens(expectValues);
    if (http11 && expects.length > 0) {
      if (expects.some((t) => t !== '100-continue')) return expectationFailed('only "Expect: 100-continue" is supported');
      expectContinue = true;
    }

    // Properties spelled out: an object spread here costs more than the rest of the parse.
    return { method: request.method, target: request.target, version: request.version, headers: fields, framing, keepAlive, expectContinue };
  }
}

/** The lower-cased, non-empty elements of comma-separated list headers (RFC 9110 §5.6.1). */
function tokens(headerValues: string[]): string[] {
  const found: string[] = [];
  for (const value of headerValues) {
    for (const element of value.split(',')) {
      const token = element.trim().toLowerCase();
      if (token !== '') found.push(token);
    }
  }
  return found;
}

/** RFC 9110 §7.2 Host = uri-host [ ":" port ]; empty is allowed (§7.2). */
const HOST = /^(?:\[[0-9A-Za-z:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/** RFC 9112 §6.3 item 5 and RFC 9110 §8.6: 1*DIGIT, and all values the same. */
function contentLength(headerValues: string[]): number | HttpError {
  let length: number | undefined;
  for (const element of headerValues.flatMap((v) => v.split(','))) {
    const text = element.trim();
    if (!/^[0-9]+$/.test(text)) return badRequest('Content-Length must be digits only (RFC 9110 §8.6)');
    const digits = text.replace(/^0+(?=.)/, '');
    const n = digits.length > 16 ? Infinity : Number(digits);
    if (!Number.isSafeInteger(n)) return badRequest('Content-Length too large (overflow)');
    if (length !== undefined && length !== n) return badRequest('differing Content-Length values (RFC 9112 §6.3)');
    length = n;
  }
  return length ?? 0;
}

/** Bytes a request-target may contain: visible ASCII (RFC 3986 plus the few that browsers leave unencoded in queries). */
function isTargetChar(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== 0x23; // no controls, SP, DEL, non-ASCII, or "#" (fragments aren't sent)
}

/**
 * RFC 9112 §3.2: origin-form, absolute-form (MUST be accepted), "*" only for
 * OPTIONS. authority-form is for CONNECT to proxies, which this server isn't.
 * Returns why the target is bad, or undefined.
 */
export function checkTarget(method: string, target: string): string | undefined {
  for (let i = 0; i < target.length; i++) {
    if (!isTargetChar(target.charCodeAt(i))) return 'invalid character in the request-target';
  }
  if (target === '*') return method === 'OPTIONS' ? undefined : '"*" is only allowed for OPTIONS (RFC 9112 §3.2.4)';
  let path = target;
  if (!target.startsWith('/')) {
    const absolute = /^https?:\/\/([^/?]+)(.*)$/i.exec(target);
    if (absolute === null) return 'request-target must be a path ("/..."), an absolute http URL, or "*"';
    // RFC 9110 §4.2.4: userinfo ("user@host") in an http(s) URI is treated as an error.
    if (!HOST.test(absolute[1]!)) return 'invalid authority in the absolute-form target';
    path = absolute[2]!;
    if (path !== '' && !path.startsWith('/') && !path.startsWith('?')) return 'invalid absolute-form target';
  }
  // The path is percent-decoded for PATH_INFO, so its escapes must be well-formed (RFC 3986 §2.1).
  const query = path.indexOf('?');
  const pathPart = query < 0 ? path : path.slice(0, query);
  if (pathPart.includes('%') && /%(?![0-9A-Fa-f]{2})/.test(pathPart)) return 'malformed percent-escape in the path';
  return undefined;
}
