/**
 * An HTTP/1.1 response read from raw bytes, for requests the grader writes
 * byte for byte itself (raw-http.ts): the status line, the header fields in
 * order, and the body framed as RFC 9112 §6.3 says — none for HEAD, 1xx, 204
 * and 304; chunked when it is the final transfer coding; Content-Length;
 * otherwise until the server closes the connection.
 */

export interface ReadResponse {
  status: number;
  reason: string;
  rawHeaders: Array<[string, string]>;
  body: Buffer;
}

/** A response the reader cannot make sense of: not HTTP/1.1 framing. */
export class ResponseSyntaxError extends Error {
  override readonly name = 'ResponseSyntaxError';
}

/** A body larger than the caller's limit. */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
}

/** A header section larger than this is not an answer of a to-do API. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?$/;

type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

interface Head {
  status: number;
  reason: string;
  rawHeaders: Array<[string, string]>;
  framing: Framing;
}

/** Feed it the bytes as they come; it says when the response is complete. */
export class ResponseReader {
  private buffer: Buffer = Buffer.alloc(0);
  private head: Head | undefined;
  /** Chunked bodies: where the next chunk-size line starts, and the chunks' data so far. */
  private offset = 0;
  private parts: Buffer[] = [];
  private size = 0;
  private trailers = false;

  constructor(
    private readonly method: string,
    private readonly maxBodyBytes: number,
  ) {}

  /** Add bytes; returns the response once it is complete. Throws ResponseSyntaxError or ResponseTooLarge. */
  push(chunk: Buffer): ReadResponse | undefined {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return this.advance();
  }

  /** The server closed the connection: a response framed by the close is complete now; any other is cut short (undefined). */
  end(): ReadResponse | undefined {
    const head = this.head;
    if (head === undefined || head.framing.kind !== 'close') return undefined;
    return { status: head.status, reason: head.reason, rawHeaders: head.rawHeaders, body: this.buffer };
  }

  private advance(): ReadResponse | undefined {
    while (this.head === undefined) {
      const end = this.buffer.indexOf(HEAD_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEAD_BYTES) throw new ResponseSyntaxError('the header section never ends');
        return undefined;
      }
      const head = this.parseHead(this.buffer.subarray(0, end).toString('latin1'));
      this.buffer = this.buffer.subarray(end + HEAD_END.length);
      // RFC 9110 §15.2: an interim 1xx answer is followed by the final one.
      if (head.status >= 100 && head.status < 200) continue;
      this.head = head;
    }
    const head = this.head;
    const done = (body: Buffer): ReadResponse => ({ status: head.status, reason: head.reason, rawHeaders: head.rawHeaders, body });
    switch (head.framing.kind) {
      case 'none':
        return done(Buffer.alloc(0));
      case 'length':
        if (head.framing.length > this.maxBodyBytes) throw new ResponseTooLarge();
        return this.buffer.length >= head.framing.length ? done(this.buffer.subarray(0, head.framing.length)) : undefined;
      case 'close':
        if (this.buffer.length > this.maxBodyBytes) throw new ResponseTooLarge();
        return undefined;
      case 'chunked':
        return this.chunks() ? done(Buffer.concat(this.parts, this.size)) : undefined;
    }
  }

  /** RFC 9112 §7.1: chunk-size [ext] CRLF data CRLF … 0 CRLF trailers CRLF. True once the body is complete. */
  private chunks(): boolean {
    for (;;) {
      const lineEnd = this.buffer.indexOf(CRLF, this.offset);
      if (lineEnd < 0) return false;
      const line = this.buffer.subarray(this.offset, lineEnd).toString('latin1');
      if (this.trailers) {
        this.offset = lineEnd + 2;
        if (line === '') return true;
        continue;
      }
      const match = /^([0-9A-Fa-f]{1,8})(?:[ \t]*;.*)?$/.exec(line);
      if (match === null) throw new ResponseSyntaxError(`invalid chunk size line ${JSON.stringify(line.slice(0, 40))}`);
      const length = Number.parseInt(match[1]!, 16);
      if (length === 0) {
        this.trailers = true;
        this.offset = lineEnd + 2;
        continue;
      }
      if (this.size + length > this.maxBodyBytes) throw new ResponseTooLarge();
      const dataStart = lineEnd + 2;
      if (this.buffer.length < dataStart + length + 2) return false;
      if (this.buffer[dataStart + length] !== 0x0d || this.buffer[dataStart + length + 1] !== 0x0a) {
        throw new ResponseSyntaxError('a chunk is not followed by CRLF');
      }
      this.parts.push(this.buffer.subarray(dataStart, dataStart + length));
      this.size += length;
      this.offset = dataStart + length + 2;
    }
  }

  private parseHead(text: string): Head {
    const lines = text.split('\r\n');
    const statusLine = STATUS_LINE.exec(lines[0] ?? '');
    if (statusLine === null) throw new ResponseSyntaxError(`invalid status line ${JSON.stringify((lines[0] ?? '').slice(0, 60))}`);
    const status = Number(statusLine[1]);
    const rawHeaders: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) throw new ResponseSyntaxError(`invalid header line ${JSON.stringify(line.slice(0, 60))}`);
      rawHeaders.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    return { status, reason: statusLine[2] ?? '', rawHeaders, framing: this.framing(status, rawHeaders) };
  }

  /** RFC 9112 §6.3, in its order. */
  private framing(status: number, headers: ReadonlyArray<[string, string]>): Framing {
    if (this.method === 'HEAD' || status < 200 || status === 204 || status === 304) return { kind: 'none' };
    const values = (name: string): string[] => headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
    const codings = values('transfer-encoding').flatMap((value) => value.split(',')).map((coding) => coding.trim().toLowerCase());
    if (codings.length > 0) return codings.at(-1) === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
    const lengths = [...new Set(values('content-length').flatMap((value) => value.split(',')).map((value) => value.trim()))];
    if (lengths.length === 0) return { kind: 'close' };
    if (lengths.length > 1 || !/^\d{1,15}$/.test(lengths[0]!)) throw new ResponseSyntaxError(`invalid Content-Length ${JSON.stringify(lengths.join(', '))}`);
    return { kind: 'length', length: Number(lengths[0]) };
  }
}
