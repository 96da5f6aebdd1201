/**
 * Test helpers for the socket server: start it with a captured log, and a raw
 * TCP client that writes exact bytes and reads responses back, parsed with a
 * deliberately small HTTP/1.1 response reader (RFC 9112 §6.3 framing).
 */
import { connect, type Socket } from 'node:net';
import { startSocketServer } from '../../../grader/servers/socket/server.ts';
import type { RunningServer, ServerOptions } from '../../../grader/servers/types.ts';
import type { Application } from '../../../grader/wsgi/types.ts';

export interface TestServer extends RunningServer {
  readonly logs: string[];
}

/** Start the socket server for a test; its log lines are collected instead of printed. */
export async function start(app: Application, options: ServerOptions = {}): Promise<TestServer> {
  const logs: string[] = [];
  const server = await startSocketServer(app, { log: (line) => logs.push(line), ...options });
  return Object.assign(server, { logs });
}

export interface RawResponse {
  status: number;
  statusLine: string;
  /** Lower-cased names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  /** Raw header lines as sent. */
  rawHead: string;
  body: Buffer;
}

export class RawClient {
  readonly socket: Socket;
  /** Unread bytes are store[start, end): appending grows it by doubling, reading moves start (no quadratic copying). */
  private store = Buffer.alloc(64 * 1024);
  private start = 0;
  private end = 0;
  private all: Buffer[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.append(chunk);
      this.all.push(chunk);
      this.wake();
    });
    socket.on('error', () => undefined);
    // Like an ordinary client: when the server ends its side, end ours too.
    socket.on('end', () => {
      socket.end();
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private append(chunk: Buffer): void {
    const live = this.end - this.start;
    if (this.end + chunk.length > this.store.length) {
      const next = Buffer.alloc(Math.max(this.store.length * 2, live + chunk.length));
      this.store.copy(next, 0, this.start, this.end);
      this.store = next;
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.store, this.end);
    this.end += chunk.length;
  }

  /** The unread bytes (a view). */
  private get buffer(): Buffer {
    return this.store.subarray(this.start, this.end);
  }

  private consume(count: number): void {
    this.start += count;
  }

  /** Everything received, for assertions on exact bytes. */
  get received(): Buffer {
    if (this.all.length !== 1) this.all = [Buffer.concat(this.all)];
    return this.all[0]!;
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async until(ready: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.closed) throw new Error(`connection closed while waiting for ${what}; got ${JSON.stringify(this.buffer.toString('latin1'))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.buffer.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Read one response; `head` for a response to HEAD (no body whatever the headers say). */
  async response(options: { head?: boolean } = {}): Promise<RawResponse> {
    await this.until(() => this.buffer.indexOf('\r\n\r\n') >= 0, 'a response head');
    const end = this.buffer.indexOf('\r\n\r\n');
    const rawHead = this.buffer.subarray(0, end).toString('latin1');
    const [statusLine = '', ...lines] = rawHead.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const status = Number(statusLine.split(' ')[1]);
    this.consume(end + 4);
    let body: Buffer = Buffer.alloc(0);
    if (options.head || status < 200 || status === 204 || status === 304) {
      // no content
    } else if (headers['transfer-encoding'] === 'chunked') {
      body = await this.chunked();
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      await this.until(() => this.end - this.start >= length, `${length} body bytes`);
      body = Buffer.from(this.buffer.subarray(0, length));
      this.consume(length);
    } else {
      await this.untilClosed();
      body = Buffer.from(this.buffer);
      this.consume(body.length);
    }
    return { status, statusLine, headers, rawHead, body: Buffer.from(body) };
  }

  private async chunked(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      await this.until(() => this.buffer.indexOf('\r\n') >= 0, 'a chunk size');
      const lineEnd = this.buffer.indexOf('\r\n');
      const size = parseInt(this.buffer.subarray(0, lineEnd).toString('latin1'), 16);
      await this.until(() => this.end - this.start >= lineEnd + 2 + size + 2, 'chunk data');
      parts.push(Buffer.from(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size)));
      this.consume(lineEnd + 2 + size + 2);
      if (size === 0) return Buffer.concat(parts);
    }
  }

  /** Resolves when the server closed the connection (or ended its side). */
  async untilClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && !this.socket.readableEnded) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the server to close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Bytes received but not yet read as a response. */
  get unread(): string {
    return this.buffer.toString('latin1');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Send `data` on a fresh connection and return everything the server sent until it closed. */
export async function exchange(port: number, data: string | Uint8Array | Array<string | Uint8Array>): Promise<string> {
  const client = await RawClient.open(port);
  try {
    for (const part of Array.isArray(data) ? data : [data]) client.write(part);
    await client.untilClosed();
    return client.received.toString('latin1');
  } finally {
    client.destroy();
  }
}

/** The status code of the first response in `text`, or 0. */
export function statusOf(text: string): number {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  return match ? Number(match[1]) : 0;
}

/** A small deterministic PRNG (mulberry32), so random tests replay exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
