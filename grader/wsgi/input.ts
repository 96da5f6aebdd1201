/**
 * wsgi.input over a request body that is already complete in memory.
 *
 * PEP 3333 "Input and Error Streams": the stream offers read(size),
 * readline(size), readlines(hint) and iteration over lines. Because our
 * applications are synchronous, a server reads the whole (bounded) body
 * before calling the app, so end-of-file is simply the end of that body —
 * which is also where CONTENT_LENGTH says it is (the PEP's "SHOULD simulate
 * an end-of-file condition" and "SHOULD allow read() with no argument").
 */
import type { Bytes, InputStream } from './types.ts';

const LF = 0x0a;

/**
 * A size argument as Python's io module reads it: absent, null or negative
 * means "no limit" (PEP 3333 "Input and Error Streams" refers to the io
 * protocols). Anything but an integer is a caller mistake.
 */
function limitOf(method: string, size: unknown): number {
  if (size === undefined || size === null) return Infinity;
  if (typeof size !== 'number' || !Number.isInteger(size)) {
    throw new TypeError(`wsgi.input.${method}() takes an integer size, got ${describe(size)}`);
  }
  return size < 0 ? Infinity : size;
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}

/** The body of a request without one: never handed out (reads return fresh arrays). */
const NO_BYTES = new Uint8Array(0);

/**
 * Create wsgi.input for one request body (PEP 3333 "Input and Error Streams").
 *
 * - read(size?): up to `size` bytes; no size (or a negative one) → the rest.
 * - readline(size?): up to and including the next "\n", at most `size` bytes.
 * - readlines(hint?): whole lines until at least `hint` bytes were read
 *   (no hint, or hint ≤ 0 → all remaining lines), as Python's IOBase does.
 * - iteration: the remaining lines, one by one.
 * Every call returns a fresh plain Uint8Array (never a view an app could use
 * to change the body); past the end it returns an empty one.
 */
export function createInput(body: Uint8Array): InputStream {
  // A plain Uint8Array view, so slices are plain Uint8Arrays even when the
  // caller passed a Buffer (most requests have no body: one shared empty array).
  const data = body.byteLength === 0 ? NO_BYTES : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return new BodyInput({ data, position: 0 });
}

/**
 * The stream's methods are own closures over its cursor, so `const { read } =
 * input` works as a Python bound method does; iteration comes from the
 * prototype. A computed key such as [Symbol.iterator] in an object literal
 * made each request's stream go through V8's slow property definition.
 */
class BodyInput implements InputStream {
  readonly read: (size?: number) => Bytes;
  readonly readline: (size?: number) => Bytes;
  readonly readlines: (hint?: number) => Bytes[];
  private readonly state: Cursor;

  constructor(state: Cursor) {
    this.state = state;
    this.read = (size) => take(state, limitOf('read', size));
    this.readline = (size) => readline(state, size);
    this.readlines = (hint) => readlines(state, hint);
  }

  *[Symbol.iterator](): Iterator<Bytes> {
    const state = this.state;
    while (state.position < state.data.length) yield readline(state);
  }
}

function readlines(state: Cursor, hint?: number): Bytes[] {
  const limit = limitOf('readlines', hint);
  const budget = limit === 0 ? Infinity : limit;
  const lines: Bytes[] = [];
  let total = 0;
  while (state.position < state.data.length && total < budget) {
    const line = readline(state);
    lines.push(line);
    total += line.length;
  }
  return lines;
}

/** The body and how far it was read. */
interface Cursor {
  readonly data: Uint8Array;
  position: number;
}

function take(state: Cursor, count: number): Bytes {
  const end = Math.min(state.data.length, state.position + count);
  const chunk = state.data.slice(state.position, end);
  state.position = end;
  return chunk;
}

function readline(state: Cursor, size?: number): Bytes {
  const limit = limitOf('readline', size);
  const newline = state.data.indexOf(LF, state.position);
  const lineEnd = newline === -1 ? state.data.length : newline + 1;
  return take(state, Math.min(lineEnd - state.position, limit));
}
