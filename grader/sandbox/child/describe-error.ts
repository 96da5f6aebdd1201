/**
 * Errors raised by student code, turned into one line a student can act on:
 * "TypeError: x is not a function (app.ts:12:5)". Stack frames are already
 * mapped back to the .ts files (the bundle has an inline source map and the
 * child runs with --enable-source-maps).
 */
import { fileURLToPath } from 'node:url';
import { isWsgiViolation } from '../../wsgi/violation.ts';
import type { AppErrorRecord } from '../types.ts';

/** Where the student's code threw: the first stack frame inside the submission, relative to it. */
export function studentLocation(error: unknown, sourceDir: string): string | undefined {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const root = sourceDir.endsWith('/') ? sourceDir : `${sourceDir}/`;
  for (const line of stack.split('\n')) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (match === null) continue;
    let file = match[1]!;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (file.startsWith(root)) return `${file.slice(root.length)}:${match[2]}:${match[3]}`;
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
