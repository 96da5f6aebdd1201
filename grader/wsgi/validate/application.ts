/**
 * The application as a callable: how it is called and what it returns.
 *
 * PEP 3333 "Specification Details": the server invokes the application with
 * two positional arguments; the application "must return an iterable
 * yielding zero or more bytestrings". "The Application/Framework Side": it is
 * a plain callable — here, synchronous: a Promise is not an iterable of bytes.
 * "A Note On String Types": a string is not a body; and a bytestring itself
 * is not one either (iterating it yields numbers, byte by byte).
 */
import type { Application, ResponseBody } from '../types.ts';
import { violation } from './codes.ts';
import { kind, show } from './describe.ts';

/** The server's side: exactly (environ, start_response). */
export function checkCallArgs(args: readonly unknown[]): void {
  if (args.length !== 2) {
    throw violation('app-call-args', `the application was called with ${args.length} argument${args.length === 1 ? '' : 's'}`);
  }
}

/** "AsyncFunction" or "AsyncGeneratorFunction" (bound functions keep the tag), else undefined. */
function asyncKind(app: unknown): string | undefined {
  const tag = Object.prototype.toString.call(app);
  if (tag === '[object AsyncFunction]') return 'an async function';
  if (tag === '[object AsyncGeneratorFunction]') return 'an async generator function';
  return undefined;
}

/**
 * Refuse an async application before calling it (its body would run with no
 * one to wait for it). Checked per request, so the server reports it as a 500
 * with this message instead of failing at start-up.
 */
export function checkNotAsync(app: Application): void {
  const what = asyncKind(app);
  if (what !== undefined) {
    throw violation('async-application', `WSGI apps are synchronous: the application is ${what}, so it returns a ${what === 'an async function' ? 'Promise' : 'async iterable'} instead of an iterable of bytes`,
      what === 'an async generator function' ? 'Use `function*` instead of `async function*`.' : undefined);
  }
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    && typeof (value as { then?: unknown }).then === 'function';
}

/** Check what the application returned (before the server sees it). */
export function checkResult(result: unknown): ResponseBody {
  if (result === undefined || result === null || result === false) {
    throw violation('result-missing', `the application returned ${String(result)}`,
      result === undefined ? 'Did you forget `return`?' : undefined);
  }
  if (isThenable(result)) {
    throw violation('async-application', 'WSGI apps are synchronous: the application returned a Promise (or another thenable), not an iterable of bytes',
      'If you call an async helper, the app cannot wait for it: make the helper synchronous.');
  }
  if (typeof result === 'string') {
    throw violation('result-is-string', `the application returned a string: ${show(result)}`);
  }
  if (result instanceof Uint8Array) {
    throw violation('result-is-bytes', `the application returned ${show(result)} itself, not an iterable of chunks`);
  }
  const iterable = result as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  if (typeof iterable[Symbol.iterator] !== 'function') {
    if (typeof iterable[Symbol.asyncIterator] === 'function') {
      throw violation('async-application', 'WSGI apps are synchronous: the application returned an async iterable, not an iterable of bytes',
        'Use `function*` instead of `async function*`.');
    }
    throw violation('result-not-iterable', `the application returned ${kind(result)}, which is not iterable`,
      typeof result === 'object' ? 'Returning { status, headers, body } is another framework\'s style.' : undefined);
  }
  return result as ResponseBody;
}

/** Close what the server will never see, because a check refused it (PEP 3333: close() releases resources). */
export function closeQuietly(result: unknown): void {
  try {
    const close = (result as { close?: unknown } | null | undefined)?.close;
    if (typeof close === 'function') (close as () => void).call(result);
  } catch {
    // The violation being reported matters more than a failing close().
  }
}
