/**
 * Body receivers (waitress's receiver.py): read a request body framed by
 * Content-Length or by the chunked transfer coding (RFC 9112 §6.2, §7.1),
 * incrementally, and hand back the decoded bytes plus whatever followed the
 * body (the next pipelined request).
 *
 * The whole body is read before the application runs: a WSGI app is a
 * synchronous function and wsgi.input.read() cannot wait for the network
 * (PEP 3333 "Input and Error Streams"). So the body is bounded by
 * maxBodyBytes (413 past it), decoded size included.
 */
import type { SocketLimits } from './limits.ts';
import { MAX_CHUNK_LINE, MAX_CHUNK_SIZE_DIGITS } from './limits.ts';
import type { BodyFraming } from './parser.ts';
import { isToken } from './parser.ts';
import { badRequest, contentTooLarge, headerFieldsTooLarge, type HttpError } from './errors.ts';

export type ReceiveResult =
  | { readonly kind: 'more' }
  | { readonly kind: 'complete'; readonly rest: Buffer }
  | { readonly kind: 'error'; readonly error: HttpError };

export interface BodyReceiver {
  /** Feeds bytes after the head. After 'complete' or 'error', don't push again. */
  push(chunk: Uint8Array): ReceiveResult;
  /** Decoded body bytes received so far. */
  readonly received: number;
  /** The decoded body; complete once push() answered 'complete'. */
  body(): Buffer;
}

const EMPTY = Buffer.alloc(0);
const CR = 0x0d;
const LF = 0x0a;

/** A receiver for the framing the parser found. */
export function createReceiver(framing: BodyFraming, limits: SocketLimits): BodyReceiver {
  switch (framing.kind) {
    case 'none':
      return new FixedReceiver(0);
    case 'length':
      return new FixedReceiver(framing.length);
    case 'chunked':
      return new ChunkedReceiver(limits);
  }
}

/** Collected body chunks. Chunks are copied: socket buffers may be views of larger ones. */
class Collector {
  private readonly chunks: Buffer[] = [];
  size = 0;
  add(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(Buffer.from(bytes));
    this.size += bytes.length;
  }
  get(): Buffer {
    if (this.size === 0) return EMPTY;
    if (this.chunks.length !== 1) {
      const all = Buffer.concat(this.chunks, this.size);
      this.chunks.length = 0;
      this.chunks.push(all);
    }
    return this.chunks[0] ?? EMPTY;
  }
}

/** RFC 9112 §6.2: exactly Content-Length bytes (the parser checked the limit). */
class FixedReceiver implements BodyReceiver {
  private remaining: number;
  private readonly collected = new Collector();

  constructor(length: number) {
    this.remaining = length;
  }

  get received(): number {
    return this.collected.size;
  }

  push(chunk: Uint8Array): ReceiveResult {
    const take = Math.min(this.remaining, chunk.length);
    this.collected.add(chunk.subarray(0, take));
    this.remaining -= take;
    if (this.remaining > 0) return { kind: 'more' };
    return { kind: 'complete', rest: take >= chunk.length ? EMPTY : Buffer.from(chunk.subarray(take)) };
  }

  body(): Buffer {
    return this.collected.get();
  }
}

/** chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string (RFC 9112 §7.1.1). */
const CHUNK_EXT = /^(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"))?)*$/;
const HEXDIGITS = /^[0-9A-Fa-f]+$/;

type ChunkState = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

/**
 * RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF, ended
 * by a zero-size chunk, an optional trailer section, and CRLF. Extensions are
 * checked and ignored; trailers are checked and dropped (§7.1.2: never merged
 * into the header section, so they can't smuggle in Host or Content-Length).
 */
class ChunkedReceiver implements BodyReceiver {
  private readonly limits: SocketLimits;
  private state: ChunkState = 'size';
  /** The unfinished control line (chunk size or trailer field), or the CRLF after data. */
  private line: Buffer = EMPTY;
  private chunkRemaining = 0;
  private trailerBytes = 0;
  private readonly collected = new Collector();

  constructor(limits: SocketLimits) {
    this.limits = limits;
  }

  get received(): number {
    return this.collected.size;
  }

  body(): Buffer {
    return this.collected.get();
  }

  push(chunk: Uint8Array): ReceiveResult {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    while (data.length > 0) {
      if (this.state === 'data') {
        const take = Math.min(this.chunkRemaining, data.length);
        this.collected.add(data.subarray(0, take));
        this.chunkRemaining -= take;
        data = data.subarray(take);
        if (this.chunkRemaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'data-end') {
        // chunk-data must be followed by exactly CRLF: anything else means the
        // size lied, and the stream can't be delimited any more.
        const need = 2 - this.line.length;
        const got = Buffer.concat([this.line, data.subarray(0, need)]);
        data = data.subarray(need);
        if (got[0] !== CR || (got.length === 2 && got[1] !== LF)) return this.fail(badRequest('chunk data not followed by CRLF'));
        if (got.length < 2) {
          this.line = got;
          break;
        }
        this.line = EMPTY;
        this.state = 'size';
        continue;
      }
      // 'size' or 'trailer': line-oriented.
      const lf = data.indexOf(LF);
      const bound = this.state === 'size' ? MAX_CHUNK_LINE : this.limits.maxHeaderBytes - this.trailerBytes;
      if (lf < 0) {
        this.line = Buffer.concat([this.line, data]);
        if (this.line.length > bound + 1) return this.fail(this.lineTooLong());
        break;
      }
      const raw = Buffer.concat([this.line, data.subarray(0, lf + 1)]);
      data = data.subarray(lf + 1);
      this.line = EMPTY;
      // RFC 9112 §2.2: CRLF only; a bare LF or CR is refused, as in the head.
      if (raw.length < 2 || raw[raw.length - 2] !== CR) return this.fail(badRequest('bare LF in chunked body'));
      const text = raw.subarray(0, raw.length - 2);
      if (text.includes(CR)) return this.fail(badRequest('bare CR in chunked body'));
      if (text.length > bound) return this.fail(this.lineTooLong());
      const error = this.state === 'size' ? this.sizeLine(text) : this.trailerLine(text);
      if (error !== undefined) return this.fail(error);
      if (this.state === 'done') return { kind: 'complete', rest: Buffer.from(data) };
    }
    return { kind: 'more' };
  }

  private lineTooLong(): HttpError {
    return this.state === 'size'
      ? badRequest(`chunk size line longer than ${MAX_CHUNK_LINE} bytes (extensions are bounded)`)
      : headerFieldsTooLarge(`trailer section larger than ${this.limits.maxHeaderBytes} bytes`);
  }

  private fail(error: HttpError): ReceiveResult {
    this.state = 'done';
    return { kind: 'error', error };
  }

  private sizeLine(line: Buffer): HttpError | undefined {
    const text = line.toString('latin1');
    const end = text.search(/[^0-9A-Fa-f]/);
    const digits = end < 0 ? text : text.slice(0, end);
    // chunk-size = 1*HEXDIG: no sign, no "0x", no spaces before it.
    if (!HEXDIGITS.test(digits)) return badRequest('invalid chunk size');
    if (digits.length > MAX_CHUNK_SIZE_DIGITS) return badRequest('chunk size too long');
    if (!CHUNK_EXT.test(text.slice(digits.length))) return badRequest('invalid chunk extension');
    const size = parseInt(digits, 16);
    if (size === 0) {
      this.state = 'trailer';
      return undefined;
    }
    // Refuse before buffering: the decoded body would pass the limit.
    if (this.collected.size + size > this.limits.maxBodyBytes) {
      return contentTooLarge(`body larger than ${this.limits.maxBodyBytes} bytes`);
    }
    this.chunkRemaining = size;
    this.state = 'data';
    return undefined;
  }

  private trailerLine(line: Buffer): HttpError | undefined {
    if (line.length === 0) {
      this.state = 'done';
      return undefined;
    }
    this.trailerBytes += line.length + 2;
    if (this.trailerBytes > this.limits.maxHeaderBytes) return this.lineTooLong();
    // Checked like a header line (RFC 9112 §5), then dropped.
    const colon = line.indexOf(0x3a);
    if (colon <= 0 || !isToken(line.subarray(0, colon))) return badRequest('invalid trailer field');
    for (const b of line.subarray(colon + 1)) {
      if ((b < 0x20 && b !== 0x09) || b === 0x7f) return badRequest('control character in a trailer field');
    }
    return undefined;
  }
}
