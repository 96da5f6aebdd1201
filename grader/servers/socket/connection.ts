/**
 * The channel (waitress's channel.py): one TCP connection, from its first
 * byte to its close. It buffers input, runs the head parser and the body
 * receiver, answers protocol errors itself, hands complete requests to the
 * task one at a time, and decides whether the connection persists.
 *
 * One request at a time, in arrival order (RFC 9112 §9.3.2: responses to
 * pipelined requests go out in the order the requests came). While a request
 * is being served, what follows is buffered up to READ_AHEAD_BYTES, then the
 * socket is paused: a pipelining client can't make us buffer more, and a
 * client that resets meanwhile is still noticed.
 */
import type { Socket } from 'node:net';
import type { LogSink } from '../types.ts';
import { LINGER_MS, READ_AHEAD_BYTES, type SocketLimits } from './limits.ts';
import { HeadParser, type ParsedRequest, type RequestLine } from './parser.ts';
import { createReceiver, type BodyReceiver } from './receiver.ts';
import { internalServerError, requestTimeout, writeErrorResponse, type HttpError, type ServerHeaders } from './errors.ts';
import { drainedOrClosed } from '../common/drain.ts';

/** What the task writes a response through. */
export interface Channel {
  /** Write bytes; false when the socket's buffer is full (wait for drained()). */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Resolves when the socket can take more, or when it is gone. */
  drained(): Promise<void>;
  /** True once a response head for the current request was written. */
  readonly headersSent: boolean;
  markHeadersSent(): void;
  /** The socket closed or failed: nothing written will arrive. */
  readonly clientGone: boolean;
  /** The peer ended its side (it may still read the response). */
  readonly peerEnded: boolean;
  readonly remoteAddress: string | undefined;
}

/** A complete request, body read. */
export interface Exchange {
  readonly request: ParsedRequest;
  /** When its head was complete, ms since the epoch (the access log's time). */
  readonly arrived: number;
  readonly body: Buffer;
  readonly channel: Channel;
}

/** Serve one request; whether the connection may carry another (at once when nothing had to wait). */
export type Serve = (exchange: Exchange) => boolean | Promise<boolean>;

export interface ConnectionContext {
  readonly limits: SocketLimits;
  readonly serve: Serve;
  readonly log: LogSink;
  /** Date and Server for the answers this layer writes. */
  serverHeaders(): ServerHeaders;
  /** Logs a request this layer answered by itself; `request` is undefined when no request line was parsed. */
  logRefusal(request: RequestLine | undefined, status: number, remoteAddress: string | undefined): void;
}

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

type State = 'head' | 'body' | 'serving' | 'closing' | 'closed';
type TimerKind = 'header' | 'idle' | 'body' | 'linger';

export class Connection implements Channel {
  private readonly socket: Socket;
  private readonly ctx: ConnectionContext;
  private state: State = 'head';
  /** Bytes received but not yet given to the parser or receiver. */
  private readonly queued: Buffer[] = [];
  private parser: HeadParser;
  private request: ParsedRequest | undefined;
  private arrived = 0;
  private receiver: BodyReceiver | undefined;
  private continueSent = false;
  private inputDone = false;
  private closeAfterResponse = false;
  private responseStarted = false;
  private timer: NodeJS.Timeout | undefined;
  private timerKind: TimerKind | undefined;
  /** When the current wait (timerKind) ends, and when the scheduled timer fires (performance.now() ms). */
  private deadline = 0;
  private timerDue = 0;
  /** True while pump() runs: a request served at once then continues its loop instead of nesting another. */
  private pumping = false;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;

  constructor(socket: Socket, ctx: ConnectionContext) {
    this.socket = socket;
    this.ctx = ctx;
    this.parser = new HeadParser(ctx.limits);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    // Every socket error is the peer's doing (reset, broken pipe): close this
    // connection and nothing else. Without a listener it would crash the process.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
    socket.on('end', () => this.onEnd());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A connection that never sends a complete head is closed (slowloris).
    this.arm('header', ctx.limits.headerTimeoutMs);
  }

  // ---- Channel, for the task ----

  get headersSent(): boolean {
    return this.responseStarted;
  }

  markHeadersSent(): void {
    this.responseStarted = true;
  }

  get clientGone(): boolean {
    return this.state === 'closed' || this.socket.destroyed;
  }

  get peerEnded(): boolean {
    return this.inputDone;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return true;
    if (chunks.length === 1) return this.socket.write(chunks[0]!);
    // cork/uncork: one writev for chunk-size line, data and CRLF, without copying the data.
    this.socket.cork();
    let ok = true;
    for (const chunk of chunks) ok = this.socket.write(chunk) && ok;
    this.socket.uncork();
    return ok && this.socket.writableLength < this.socket.writableHighWaterMark;
  }

  drained(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || !socket.writableNeedDrain) return Promise.resolve();
    return drainedOrClosed(socket);
  }

  /** End the connection (server.close()): now, or after the response in progress. */
  shutdown(): void {
    this.closeAfterResponse = true;
    if (this.state !== 'serving') this.closeGracefully();
  }

  /** Drop the connection at once (server.close() when a response won't end). */
  destroy(): void {
    this.socket.destroy();
  }

  // ---- input ----

  private onData(chunk: Buffer): void {
    if (this.state === 'closing' || this.state === 'closed') return; // lingering: drop
    this.queued.push(chunk);
    if (this.state === 'serving') {
      // Hold what follows for later; stop reading when enough is held.
      if (this.queued.reduce((sum, b) => sum + b.length, 0) >= READ_AHEAD_BYTES) this.socket.pause();
      return;
    }
    this.pump();
  }

  private onEnd(): void {
    this.inputDone = true;
    // While closing, the socket destroys itself once our side has flushed too.
    if (this.state === 'head' || this.state === 'body') this.pump();
  }

  private onClose(): void {
    this.state = 'closed';
    this.clearTimer();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queued.length = 0;
  }

  /** Feed queued bytes to the parser or receiver until a request is complete or bytes run out. */
  private pump(): void {
    if (this.pumping) return; // served at once inside the loop below: the loop goes on
    this.pumping = true;
    try {
      while (this.state === 'head' || this.state === 'body') {
        const chunk = this.queued.shift();
        if (chunk === undefined) break;
        if (this.state === 'head') this.feedHead(chunk);
        else this.feedBody(chunk);
      }
      if ((this.state === 'head' || this.state === 'body') && this.inputDone) this.inputEnded();
    } catch (error) {
      // No input may take the server down: a bug here costs one connection.
      this.ctx.log(`socket server: internal error on a connection: ${error instanceof Error ? error.stack : String(error)}`);
      this.refuse(internalServerError('internal server error'));
    } finally {
      this.pumping = false;
    }
  }

  private feedHead(chunk: Buffer): void {
    const result = this.parser.push(chunk);
    if (result.kind === 'incomplete') {
      // The first byte of a new request turns the idle wait into a header wait.
      if (this.timerKind === 'idle' && this.parser.started) this.arm('header', this.ctx.limits.headerTimeoutMs);
      return;
    }
    if (result.kind === 'error') return this.refuse(result.error);
    this.request = result.request;
    this.arrived = Date.now();
    this.receiver = createReceiver(result.request.framing, this.ctx.limits);
    this.continueSent = false;
    this.state = 'body';
    this.feedBody(result.rest);
    // A body must keep coming: at most headerTimeoutMs between two reads (not
    // armed when it was complete at once, as a request without one is).
    if (this.state === 'body' && this.timerKind !== 'body') this.arm('body', this.ctx.limits.headerTimeoutMs);
  }

  private feedBody(chunk: Buffer): void {
    const result = this.receiver!.push(chunk);
    if (result.kind === 'error') return this.refuse(result.error);
    if (result.kind === 'more') {
      if (chunk.length > 0) this.arm('body', this.ctx.limits.headerTimeoutMs);
      // RFC 9110 §10.1.1: the client waits for 100 before sending the body.
      // Only when the body hasn't arrived already, and only once.
      if (this.request!.expectContinue && !this.continueSent && this.queued.length === 0) {
        this.continueSent = true;
        this.socket.write(CONTINUE);
      }
      return;
    }
    if (result.rest.length > 0) this.queued.unshift(result.rest);
    this.dispatch(this.request!, this.receiver!.body());
  }

  /** The peer ended its side while we wait for input. */
  private inputEnded(): void {
    // A partial head or body is an incomplete message (RFC 9112 §8): never
    // pass it to the app. Nothing partial: a clean close.
    if (this.state === 'body' || this.parser.started) this.socket.destroy();
    else this.closeGracefully();
  }

  // ---- serving ----

  private dispatch(request: ParsedRequest, body: Buffer): void {
    this.state = 'serving';
    this.clearTimer();
    this.responseStarted = false;
    this.request = undefined;
    this.receiver = undefined;
    let serving: boolean | Promise<boolean>;
    try {
      serving = this.ctx.serve({ request, body, arrived: this.arrived, channel: this });
    } catch (error) {
      this.failed(error);
      return;
    }
    // Served at once (the common case): the next pipelined request is read by the pump loop we are in.
    if (typeof serving === 'boolean') this.served(serving && request.keepAlive);
    else serving.then((keepAlive) => this.served(keepAlive && request.keepAlive), (error: unknown) => this.failed(error));
  }

  /** A fault of the server itself while serving (the handler contains the app's): 500 if still possible, close. */
  private failed(error: unknown): void {
    this.ctx.log(`socket server: internal error serving a request: ${error instanceof Error ? error.stack : String(error)}`);
    if (this.state !== 'serving') return;
    this.refuse(internalServerError('internal server error'));
  }

  /** The response is complete: next request, or close (RFC 9112 §9.3, §9.6). */
  private served(keepAlive: boolean): void {
    if (this.state !== 'serving') return;
    if (!keepAlive || this.closeAfterResponse || (this.inputDone && this.queued.length === 0)) {
      this.closeGracefully();
      return;
    }
    this.state = 'head';
    this.responseStarted = false;
    this.parser = new HeadParser(this.ctx.limits);
    this.arm('idle', this.ctx.limits.keepAliveTimeoutMs);
    this.socket.resume();
    this.pump();
  }

  // ---- errors, timeouts, closing ----

  /** Answer a request this layer refuses, then close: the framing can't be trusted any more (RFC 9112 §9.6). */
  private refuse(error: HttpError): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    const wrote = writeErrorResponse(
      { headersSent: this.responseStarted, write: (bytes) => this.write([bytes]) },
      error,
      this.ctx.serverHeaders(),
    );
    if (wrote) this.ctx.logRefusal(this.request ?? this.parser.requestLine, error.status, this.socket.remoteAddress);
    this.closeGracefully();
  }

  /**
   * Close without losing the last response: end our side (FIN after the
   * queued bytes), keep reading and dropping what the peer still sends, and
   * destroy after a short linger once our bytes are out. Closing with unread
   * input would make the kernel send a reset that can discard the response
   * at the client. When the peer has ended too, the socket closes by itself.
   */
  private closeGracefully(): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.clearTimer();
    this.queued.length = 0;
    this.socket.end();
    this.socket.resume();
    // The linger starts when the last byte left: a slow reader still gets all of a close-delimited body.
    const linger = (): void => {
      if (this.state === 'closing') this.arm('linger', LINGER_MS);
    };
    if (this.socket.writableFinished) linger();
    else this.socket.once('finish', linger);
  }

  /**
   * Set the connection's one deadline. Each request moves it twice (body wait,
   * then keep-alive wait), so the timer isn't remade each time: it stays
   * scheduled, and when it fires before the current deadline it is only
   * rescheduled for the time left.
   */
  private arm(kind: TimerKind, ms: number): void {
    this.timerKind = kind;
    const deadline = performance.now() + ms;
    this.deadline = deadline;
    if (this.timer !== undefined && this.timerDue <= deadline) return;
    this.schedule(ms);
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = performance.now() + ms;
    this.timer = setTimeout(() => this.onTimer(), ms);
    this.timer.unref();
  }

  /** No deadline (while the app runs, or closed); a scheduled timer finds nothing to do. */
  private clearTimer(): void {
    this.timerKind = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    const kind = this.timerKind;
    if (kind === undefined || this.state === 'closed') return;
    const left = this.deadline - performance.now();
    if (left > 0) {
      this.schedule(Math.ceil(left));
      return;
    }
    this.timerKind = undefined;
    this.onTimeout(kind);
  }

  private onTimeout(kind: TimerKind): void {
    switch (kind) {
      case 'linger':
        this.socket.destroy();
        return;
      case 'idle':
        this.closeGracefully();
        return;
      case 'header':
        // Nothing of a request yet: just close. Part of one: say why (408).
        if (this.parser.started) this.refuse(requestTimeout('the request head did not arrive in time'));
        else this.closeGracefully();
        return;
      case 'body':
        this.refuse(requestTimeout('the request body did not arrive in time'));
        return;
    }
  }
}
