/**
 * The sandbox's API: student code is transpiled by the grader, then run only
 * in child processes under Node's permission model, one server per process.
 */
import type { ServerName } from '../wsgi/types.ts';

/** A submission made ready to run: its code bundled into one ES module. */
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
