/**
 * What every server of the kit offers, so the sandbox, the CLI and the tests
 * can start either one the same way ("same application, different server").
 */
import type { Socket } from 'node:net';
import type { Application } from '../wsgi/types.ts';
import type { ServerName } from './names.ts';

export type { ServerName };

import type { LogSink } from '../wsgi/log.ts';

export type { LogSink };

/** Seen once per request, after the environ is built and before the app runs. */
export type EnvironObserver = (environ: Readonly<Record<string, unknown>>) => void;

export interface ServerOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 (the default) asks the OS for a free one. */
  port?: number;
  /** Wrap the app in validate() so every request checks both sides of the contract. */
  validate?: boolean;
  /** Where request lines and app errors go (wsgi.errors too, unless `errors` is given). Default: process.stderr. */
  log?: LogSink;
  /** Where the lines an app writes to wsgi.errors go. Default: `log`. */
  errors?: LogSink;
  /** Sees each request's environ; the grader uses it to show what two servers passed differently. */
  onEnviron?: EnvironObserver;
  /**
   * Sees every error the app (or the validator) raised while a request was
   * handled, before the server answers 500 or closes the connection. The
   * grader uses it to report contract violations as the test's failure.
   */
  onAppError?: (error: unknown, environ: Readonly<Record<string, unknown>>) => void;
  /** socket server only: limits, each in bytes or milliseconds. */
  limits?: Partial<SocketLimits>;
}

/** The socket server's limits (issue text and README give the defaults). */
export interface SocketLimits {
  /** Longest request line; longer → 414. Default 8 KiB. */
  maxRequestLine: number;
  /** Largest header section; larger → 431. Default 16 KiB. */
  maxHeaderBytes: number;
  /** Most header fields; more → 431. Default 100. */
  maxHeaderCount: number;
  /** Largest request body; larger → 413. Default 1 MiB. */
  maxBodyBytes: number;
  /** A header section must arrive complete within this; else the connection is closed. Default 10 s. */
  headerTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  keepAliveTimeoutMs: number;
}

export interface RunningServer {
  readonly name: ServerName;
  /** e.g. "http://127.0.0.1:41234" */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stop listening, end open connections, resolve when all is closed. */
  close(): Promise<void>;
}

/**
 * A server without its listener: whoever listens (the server's own listener,
 * or a trusted process that passes connections over IPC) gives it each
 * accepted socket, paused or flowing.
 */
export interface Service {
  /** Serve this connection until it closes. */
  accept(socket: Socket): void;
  /** Idle connections close now, busy ones after their response (or at once, where the server cannot wait). */
  close(): Promise<void>;
  /** Open connections. */
  readonly size: number;
}

export type StartServer = (app: Application, options?: ServerOptions) => Promise<RunningServer>;
