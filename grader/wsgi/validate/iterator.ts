/**
 * The response iterable the server receives in place of the application's.
 *
 * PEP 3333 "Specification Details": the iterable yields bytestrings; the
 * application calls start_response() before the first non-empty one (and may
 * do so during the first iteration, so nothing is consumed early here); the
 * server calls close() when done, and — like any user of a closed iterator —
 * does not iterate after it. Items, the Content-Length, and the end of the
 * body are checked by {@link ResponseState}.
 *
 * Behaviour is kept for a correct app: items and close() are forwarded, the
 * original iterator is created lazily on the first next(), return() is
 * forwarded (a generator's finally blocks run as they would), and an array
 * stays an array — Array.isArray() and length work, as a server relies on to
 * compute Content-Length for a one-item list (PEP 3333 "Handling the
 * Content-Length Header").
 */
import type { Bytes, ResponseBody } from '../types.ts';
import { violation } from './codes.ts';
import { kind, show } from './describe.ts';
import type { CloseTicket, CloseWatch } from './close-watch.ts';
import type { ResponseState } from './response-state.ts';

/** Check one body item, teaching the fix for the usual wrong types. */
export function checkItem(item: unknown, index: number): Bytes {
  if (item instanceof Uint8Array) return item;
  let hint: string | undefined;
  if (item instanceof ArrayBuffer) hint = 'Wrap an ArrayBuffer as new Uint8Array(buffer).';
  else if (typeof item === 'number') hint = 'A number is not a byte chunk — did you return a Uint8Array itself instead of [bytes]?';
  else if (Array.isArray(item)) hint = 'Yield each chunk on its own, not an array of them (use yield* for an array).';
  else if (typeof item === 'object' && item !== null) hint = 'To send JSON, encode it: Buffer.from(JSON.stringify(value)).';
  throw violation('body-not-bytes', `body item #${index} is ${kind(item)}: ${show(item)}`, hint);
}

type Source = { [Symbol.iterator](): Iterator<unknown> } & { close?: () => void };

class CheckedBody implements IterableIterator<Bytes> {
  private inner: Iterator<unknown> | undefined;
  private index = 0;
  private closed = false;
  private finished = false;

  constructor(
    private readonly source: Source,
    private readonly state: ResponseState,
    private readonly watch: CloseWatch,
    private readonly ticket: CloseTicket,
  ) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Bytes, undefined> {
    if (this.closed) {
      throw violation('iterable-used-after-close', 'the server asked the response iterable for another item after calling close()');
    }
    if (this.finished) return { done: true, value: undefined };
    try {
      this.inner ??= this.source[Symbol.iterator]();
      const step = this.inner.next();
      if (step.done) {
        this.finish();
        this.state.end();
        return { done: true, value: undefined };
      }
      const item = checkItem(step.value, this.index++);
      this.state.send(item, 'iterable');
      return { done: false, value: item };
    } catch (error) {
      // An application error or a violation ends the iteration: close() is due.
      this.finish();
      throw error;
    }
  }

  /** A for...of loop left early: forward, as the loop would to the original iterator. */
  return(): IteratorResult<Bytes, undefined> {
    this.finish();
    this.inner?.return?.();
    return { done: true, value: undefined };
  }

  close(): void {
    this.closed = true;
    this.watch.closed(this.ticket);
    if (typeof this.source.close === 'function') this.source.close();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.watch.finished(this.ticket);
  }
}

/**
 * Check an array body before any of it is sent: every item is there already,
 * so its mistakes can be reported while the server can still answer a clean
 * 500 — start_response() cannot come later, as no application code runs any
 * more. Runs on a copy of the state; iteration repeats the same checks.
 */
function checkArray(items: readonly unknown[], state: ResponseState): void {
  const copy = state.clone();
  items.forEach((item, index) => copy.send(checkItem(item, index), 'iterable'));
  copy.end();
}

/**
 * Wrap the application's (already checked) iterable for the server and start
 * watching for its close(); `ticket` comes from {@link CloseWatch.ticket}.
 */
export function checkBody(result: ResponseBody, state: ResponseState, watch: CloseWatch, ticket: CloseTicket): ResponseBody {
  const source = result as Source;
  if (Array.isArray(result)) checkArray(result, state);
  const body = new CheckedBody(source, state, watch, ticket);
  if (!Array.isArray(result)) {
    watch.register(body, ticket);
    return body;
  }
  const iterate = (): CheckedBody => body;
  const close = (): void => body.close();
  const proxy = new Proxy(result, {
    get(target, key, receiver): unknown {
      if (key === Symbol.iterator) return iterate;
      if (key === 'close') return close;
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key): boolean {
      return key === 'close' || Reflect.has(target, key);
    },
  });
  watch.register(proxy, ticket);
  return proxy as ResponseBody;
}
