/**
 * The sandbox's API: student code is transpiled by the grader, then run only
 * in child processes under Node's permission model, one server per process.
 */
import type { Socket } from 'node:net';
import type { ServerName } from '../servers/names.ts';

/** A submission made ready to run: its code bundled into one file (see prepareSubmission()). */
export type PreparedSubmission =
  | { ok: true; name: string; sourcePath: string; sourceDir: string; bundlePath: string }
  | { ok: false; name: string; sourcePath: string; loadError: string };

export interface AppProcessOptions {
  /** The bundle made by prepareSubmission(). */
  bundlePath: string;
  /** Folder the submission may read (its own). */
  sourceDir: string;
  server: ServerName;
  /** Wrap the app in validate(). The grader always does. */
  validate: boolean;
  /** How long the process may take to load the app and listen. Default 5000. */
  startTimeoutMs?: number;
  /** --max-old-space-size for the child. Default 256. */
  memoryMb?: number;
  /** Apply Node's permission model. Default true. */
  sandbox?: boolean;
  /** Bytes of stdout and of stderr kept. Default 64 KiB. */
  outputLimit?: number;
  /** A folder the app may read and write (Level 4's database lives there); absent: no writes at all. */
  writableDir?: string;
  /** Extension keys the server adds to every request's environ (PEP 3333), e.g. { 'todo.database': '…/todo.sqlite' }. */
  environ?: Record<string, string>;
}

/** The CGI-style, string-valued keys of one request's environ, as the app saw them. */
export type EnvironRecord = Record<string, string>;

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** One line for a student, e.g. "the app process exited with code 3 (process.exit() in a handler?)". */
  reason: string;
}

/** Captured output of a child: never parsed for results. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
  truncated: boolean;
}

/** An error the app (or the validator) raised while handling one request. */
export interface AppErrorRecord {
  message: string;
  /** Set for contract violations (WsgiViolation). */
  code?: string;
  rule?: string;
  fix?: string;
  section?: string;
}

/** Where the app printed something: console.log and friends, or the request's wsgi.errors. */
export type AppOutputStream = 'stdout' | 'stderr' | 'wsgi.errors';

/** Text the app printed while a request was its latest (or, for the first, since the app was loaded). */
export interface AppOutputRecord {
  stream: AppOutputStream;
  text: string;
}

/** What the child saw of one request that reached the app, in arrival order. */
export interface RequestRecord {
  environ: EnvironRecord;
  errors: AppErrorRecord[];
  /** What the app printed for it, in order (capped in the child). */
  output: AppOutputRecord[];
  /** prefork: the 1-based index of the worker that served it, and that worker's pid. */
  worker?: number;
  pid?: number;
  /** When it reached the app (ms since the epoch, sub-millisecond): records of several processes merge by it. */
  at?: number;
}

/** A running app process: one server, one app, in a sandboxed child. */
export interface AppHandle {
  /** e.g. "http://127.0.0.1:40123": the listener in front of the app. */
  readonly url: string;
  /** Open a connection to the app that its listener admits (the grader's own client; others are turned away). */
  connect(): Socket;
  readonly server: ServerName;
  /** True until the process has ended. */
  readonly alive: boolean;
  /** Settles when the process ends, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  /** Replace the app by a fresh instance (its module evaluated anew: new state). */
  fresh(): Promise<void>;
  /** The records of the requests the app saw since the last call. */
  drainRecords(): Promise<RequestRecord[]>;
  /** True when the process answers a question within `withinMs`: its event loop is not blocked. */
  responsive(withinMs: number): Promise<boolean>;
  /** What the process printed so far (first 64 KiB of each stream). */
  output(): CapturedOutput;
  /** End the process (SIGKILL after a short grace); resolves when it is gone. */
  kill(): Promise<void>;
}

/** Why an app process could not start; `kind` tells the grader which status to give. */
export interface AppStartFailure {
  kind: 'load-error' | 'start-timeout' | 'exited';
  /** One line for a student, e.g. "no `application` export in app.ts — export function application(environ, startResponse)". */
  message: string;
}

/** Written next to the bundle: what the app process needs to know about the submission. */
export interface SubmissionMeta {
  name: string;
  /** The entry file as the student knows it, e.g. "app.ts" or "alice.ts". */
  entryName: string;
  /** What the app may read: its folder, or its one file. */
  readPath: string;
}

export const META_FILE = 'submission.json';
