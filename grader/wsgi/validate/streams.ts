/**
 * Wrappers of wsgi.input and wsgi.errors that check both sides of their use.
 *
 * PEP 3333 "Input and Error Streams": input offers read(size), readline(),
 * readlines(hint) and iteration, all returning bytestrings; errors offers
 * write(str), writelines(seq) and flush(). Applications "must not use any
 * other methods" and "must not attempt to close these streams", and "should
 * not attempt to read more data than is specified by the CONTENT_LENGTH
 * variable". Unlike wsgiref.validate, read() without a size is allowed: the
 * PEP says a server should support it (it returns the rest of the body).
 */
import type { Bytes, ErrorStream, InputStream } from '../types.ts';
import { violation } from './codes.ts';
import { kind, show } from './describe.ts';

/** A size argument: absent, null, or an integer (negative means "no limit", as in Python's io). */
function checkSize(method: string, args: readonly unknown[]): number | undefined {
  if (args.length > 1) {
    throw violation('input-read-args', `wsgi.input.${method}() was called with ${args.length} arguments`);
  }
  const size = args[0];
  if (size === undefined || size === null) return undefined;
  if (typeof size !== 'number' || !Number.isInteger(size)) {
    const hint = typeof size === 'number' && Number.isNaN(size)
      ? 'NaN usually means Number(environ.CONTENT_LENGTH) on a request without a body.'
      : typeof size === 'string' ? 'Convert the string first: Number(environ.CONTENT_LENGTH).' : undefined;
    throw violation('input-read-args', `wsgi.input.${method}() was called with ${kind(size)} (${show(size)})`, hint);
  }
  return size;
}

function checkBytes(method: string, value: unknown): Bytes {
  if (!(value instanceof Uint8Array)) {
    throw violation('input-result-type', `wsgi.input.${method}() returned ${kind(value)}: ${show(value)}`);
  }
  return value;
}

/** What CONTENT_LENGTH allows to read; absent or "" means no body (CGI, RFC 3875 §4.1.2). */
function bodyLength(contentLength: unknown): number {
  return typeof contentLength === 'string' && /^\d+$/.test(contentLength) ? Number(contentLength) : 0;
}

/** Wrap wsgi.input; `contentLength` is the request's environ.CONTENT_LENGTH. */
export function checkInput(inner: InputStream, contentLength: unknown): InputStream {
  const limit = bodyLength(contentLength);
  let consumed = 0;

  function readline(...args: unknown[]): Bytes {
    const size = checkSize('readline', args);
    const line = checkBytes('readline', size === undefined ? inner.readline() : inner.readline(size));
    consumed += line.length;
    return line;
  }

  const wrapper = {
    read(...args: unknown[]): Bytes {
      const size = checkSize('read', args);
      const remaining = limit - consumed;
      if (size !== undefined && size > remaining && size > 0) {
        throw violation('input-read-past-content-length',
          `wsgi.input.read(${size}) asks for more than the ${remaining} byte${remaining === 1 ? '' : 's'} left of CONTENT_LENGTH ${show(contentLength)}`,
          'A server whose input is the socket itself (like wsgiref) blocks on such a read until the client gives up.');
      }
      const data = checkBytes('read', size === undefined ? inner.read() : inner.read(size));
      consumed += data.length;
      return data;
    },
    readline,
    readlines(...args: unknown[]): Bytes[] {
      const hint = checkSize('readlines', args);
      const lines: unknown = hint === undefined ? inner.readlines() : inner.readlines(hint);
      if (!Array.isArray(lines)) {
        throw violation('input-result-type', `wsgi.input.readlines() returned ${kind(lines)}, not an array`);
      }
      for (const line of lines) consumed += checkBytes('readlines', line).length;
      return lines as Bytes[];
    },
    // Iteration goes through readline(), so its lines are checked too (as in wsgiref.validate).
    *[Symbol.iterator](): Iterator<Bytes> {
      for (let line = readline(); line.length > 0; line = readline()) yield line;
    },
    close(): never {
      throw violation('stream-close', 'the application called wsgi.input.close()');
    },
  };
  return wrapper as InputStream;
}

/** Wrap wsgi.errors. */
export function checkErrors(inner: ErrorStream): ErrorStream {
  function write(...args: unknown[]): void {
    const text = args[0];
    if (args.length !== 1 || typeof text !== 'string') {
      const hint = text instanceof Uint8Array ? 'Decode bytes first: Buffer.from(bytes).toString().' : undefined;
      throw violation('errors-write-not-string',
        args.length !== 1 ? `wsgi.errors.write() was called with ${args.length} arguments` : `wsgi.errors.write() was called with ${kind(text)}`, hint);
    }
    inner.write(text);
  }

  const wrapper = {
    write,
    writelines(...args: unknown[]): void {
      const lines = args[0] as { [Symbol.iterator]?: unknown } | null | undefined;
      if (args.length !== 1 || typeof lines === 'string' || typeof lines?.[Symbol.iterator] !== 'function') {
        throw violation('errors-write-not-string', `wsgi.errors.writelines() was called with ${kind(lines)}, not an iterable of strings`,
          typeof lines === 'string' ? 'For one string, use write(text).' : undefined);
      }
      for (const line of lines as Iterable<unknown>) write(line);
    },
    flush(): void {
      inner.flush();
    },
    close(): never {
      throw violation('stream-close', 'the application called wsgi.errors.close()');
    },
  };
  return wrapper as ErrorStream;
}
