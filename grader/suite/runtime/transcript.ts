/**
 * The requests a test sent and what came back, capped so a report stays
 * readable: bodies are cut to an excerpt and a long transcript keeps its
 * first and last exchanges (a failure is usually at the end).
 */
import type { Exchange } from '../../results/types.ts';

/** Bytes of a request or response body kept in the transcript. */
export const BODY_EXCERPT_BYTES = 4096;
/** Exchanges kept per test: the first half and the last half of this many. */
export const TRANSCRIPT_LIMIT = 40;

const decoder = new TextDecoder('utf-8');

export function excerpt(bytes: Uint8Array): { text: string; truncated: boolean } {
  if (bytes.length <= BODY_EXCERPT_BYTES) return { text: decoder.decode(bytes), truncated: false };
  return { text: decoder.decode(bytes.subarray(0, BODY_EXCERPT_BYTES)), truncated: true };
}

/** A request as written to the socket: its request line and header fields as sent, and the bytes after them. */
export interface WireRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  /** Everything written after the header section (a chunked body with its framing). */
  body: Uint8Array;
}

/** Read back the request in `bytes`, the bytes written for it; undefined when they hold no complete request head. */
export function parseWireRequest(bytes: Uint8Array): WireRequest | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [line = '', ...fields] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const requestLine = /^(\S+) (\S+) HTTP\/1\.[01]$/.exec(line);
  if (requestLine === null) return undefined;
  const headers: Array<[string, string]> = [];
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon > 0) headers.push([field.slice(0, colon), field.slice(colon + 1).trim()]);
  }
  return { method: requestLine[1]!, target: requestLine[2]!, headers, body: new Uint8Array(buffer.subarray(end + 4)) };
}

interface Entry {
  exchange: Exchange;
  curl: string;
}

export class Transcript {
  private head: Entry[] = [];
  private tail: Entry[] = [];
  private omitted = 0;

  /** Record one exchange; returns the exchange cut from the middle to stay within TRANSCRIPT_LIMIT, if any. */
  record(exchange: Exchange, curl: string): Exchange | undefined {
    const entry = { exchange, curl };
    const half = TRANSCRIPT_LIMIT / 2;
    if (this.head.length < half) {
      this.head.push(entry);
      return undefined;
    }
    this.tail.push(entry);
    if (this.tail.length <= half) return undefined;
    this.omitted += 1;
    return this.tail.shift()?.exchange;
  }

  clear(): void {
    this.head = [];
    this.tail = [];
    this.omitted = 0;
  }

  /** Exchanges left out in the middle of a long transcript. */
  get omittedCount(): number {
    return this.omitted;
  }

  exchanges(): Exchange[] {
    return [...this.head, ...this.tail].map((e) => e.exchange);
  }

  /** curl lines, index for index with exchanges(). */
  curl(): string[] {
    return [...this.head, ...this.tail].map((e) => e.curl);
  }

  last(): Exchange | undefined {
    return (this.tail.at(-1) ?? this.head.at(-1))?.exchange;
  }
}
