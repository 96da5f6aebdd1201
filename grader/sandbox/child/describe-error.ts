/**
 * Errors raised by student code, turned into one line a student can act on:
 * "TypeError: x is not a function (app.ts:12:5)". Stack frames are already
 * mapped back to the .ts files (the bundle has an inline source map and the
 * child runs with --enable-source-maps).
 */
import { posix, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWsgiViolation } from '../../wsgi/violation.ts';
import type { AppErrorRecord } from '../types.ts';

/**
 * The location at the end of a V8 stack frame, "at fn (LOCATION)" or "at
 * LOCATION", where LOCATION is path:line:col and the path is a file URL, a
 * POSIX path, a Windows drive path (C:\ or C:/) or a UNC path (\\server\share).
 * The path may hold spaces and parentheses, not colons (but its drive's):
 * the earliest start that still ends the line as :line:col wins.
 */
const FRAME_LOCATION = /(?:^|[\s(])((?:file:\/\/[^/:\n]*(?:\/[A-Za-z]:)?|[A-Za-z]:)?[\\/][^:\n]*?):(\d+):(\d+)\)?$/;

/** A drive-letter or UNC path: one Windows wrote (the same rules apply wherever the grader runs). */
export function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/** The file, line and column a stack frame points at; a file URL made a path of the `windows` kind. */
export function frameLocation(frame: string, windows: boolean): { file: string; line: string; column: string } | undefined {
  const match = FRAME_LOCATION.exec(frame.trim());
  if (match === null) return undefined;
  let file = match[1]!;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file, { windows });
    } catch {
      return undefined;
    }
  }
  return { file, line: match[2]!, column: match[3]! };
}

/**
 * Where the student's code threw: the first stack frame inside the
 * submission, relative to it, with / between folders whatever the platform
 * (the same report on Windows and POSIX). Windows paths compare without case,
 * as Windows does.
 */
export function studentLocation(error: unknown, sourceDir: string): string | undefined {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const windows = isWindowsPath(sourceDir);
  const path = windows ? win32 : posix;
  for (const line of stack.split('\n')) {
    const location = frameLocation(line, windows);
    if (location === undefined || isWindowsPath(location.file) !== windows) continue;
    const relative = path.relative(sourceDir, location.file);
    if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) continue;
    return `${relative.split(path.sep).join('/')}:${location.line}:${location.column}`;
  }
  return undefined;
}

/** "TypeError: boom" for errors, "thrown: <value>" for anything else that was thrown. */
export function errorHeadline(error: unknown): string {
  if (error instanceof Error) {
    const first = `${error.name}: ${error.message}`.split('\n')[0]!;
    return first.length > 500 ? `${first.slice(0, 499)}…` : first;
  }
  let shown: string;
  try {
    shown = typeof error === 'string' ? JSON.stringify(error) : String(error);
  } catch {
    shown = Object.prototype.toString.call(error);
  }
  return `thrown: ${shown.slice(0, 200)}`;
}

/** One line: the headline, plus the student's file:line:col when the stack has it. */
export function describeError(error: unknown, sourceDir: string): string {
  const where = studentLocation(error, sourceDir);
  return where === undefined ? errorHeadline(error) : `${errorHeadline(error)} (${where})`;
}

/** The record of an app error; contract violations keep their code, rule, fix and PEP section. */
export function appErrorRecord(error: unknown, sourceDir: string): AppErrorRecord {
  if (isWsgiViolation(error)) {
    return { message: error.message, code: error.code, rule: error.rule, fix: error.fix, section: error.section };
  }
  return { message: describeError(error, sourceDir) };
}
