/**
 * A minimal, correct server for driving apps through validate() in tests:
 * a hand-built environ (plain object, in-memory streams), a start_response
 * that records and follows PEP 3333's exc_info rules, iteration, close().
 * No vitest imports: gc-fixture.ts runs it in a plain node process.
 */
import type { Application, Bytes, Environ, ErrorStream, Header, InputStream, StartResponse } from '../../../grader/wsgi/types.ts';

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export interface MemoryErrors extends ErrorStream {
  readonly text: string;
}

export function memoryErrors(): MemoryErrors {
  let text = '';
  return {
    write(chunk: string): void {
      text += chunk;
    },
    writelines(lines: Iterable<string>): void {
      for (const line of lines) text += line;
    },
    flush(): void {},
    get text(): string {
      return text;
    },
  };
}

/** wsgi.input over a complete body, end-of-file at its end. */
export function memoryInput(body: Uint8Array): InputStream {
  let position = 0;
  const take = (count: number): Bytes => {
    const chunk = body.slice(position, Math.min(body.length, position + count));
    position += chunk.length;
    return chunk;
  };
  const readline = (size?: number): Bytes => {
    const newline = body.indexOf(0x0a, position);
    const end = newline === -1 ? body.length : newline + 1;
    return take(Math.min(end - position, size === undefined || size < 0 ? Infinity : size));
  };
  return {
    read: (size?: number): Bytes => take(size === undefined || size < 0 ? Infinity : size),
    readline,
    readlines(): Bytes[] {
      const lines: Bytes[] = [];
      for (let line = readline(); line.length > 0; line = readline()) lines.push(line);
      return lines;
    },
    *[Symbol.iterator](): Iterator<Bytes> {
      for (let line = readline(); line.length > 0; line = readline()) yield line;
    },
  };
}

export interface RequestSpec {
  method?: string;
  path?: string;
  body?: string;
  /** Replace or add keys; `undefined` removes one. */
  environ?: Record<string, unknown>;
}

export function makeEnviron(spec: RequestSpec = {}): { environ: Environ; errors: MemoryErrors } {
  const errors = memoryErrors();
  const body = encode(spec.body ?? '');
  const environ: Environ = {
    REQUEST_METHOD: spec.method ?? 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: spec.path ?? '/todos',
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    HTTP_HOST: 'localhost:8000',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': memoryInput(body),
    'wsgi.errors': errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
  };
  if (spec.body !== undefined) {
    environ.CONTENT_TYPE = 'text/plain';
    environ.CONTENT_LENGTH = String(body.length);
  }
  for (const [key, value] of Object.entries(spec.environ ?? {})) {
    if (value === undefined) delete environ[key];
    else environ[key] = value;
  }
  return { environ, errors };
}

export interface Served {
  status: string | undefined;
  headers: Header[] | undefined;
  body: string;
  chunks: Uint8Array[];
  errors: string;
}

export interface ServeOptions extends RequestSpec {
  /** Call close() when done (a correct server does). Default true. */
  close?: boolean;
  /** Use this environ instead of building one. */
  rawEnviron?: unknown;
}

/** Serve one request like a server: call, iterate, close in a finally. Throws what the app (or validator) throws. */
export function serve(app: Application, options: ServeOptions = {}): Served {
  const { environ, errors } = makeEnviron(options);
  let status: string | undefined;
  let headers: Header[] | undefined;
  let headersSent = false;
  const chunks: Uint8Array[] = [];

  const write = (data: Bytes): void => {
    if (data.length > 0) headersSent = true;
    chunks.push(data);
  };
  const startResponse: StartResponse = (newStatus, newHeaders, excInfo) => {
    if (excInfo !== undefined && excInfo !== null) {
      if (headersSent) throw excInfo;
    } else if (status !== undefined) {
      throw new Error('start_response() called twice without exc_info');
    }
    status = newStatus;
    headers = newHeaders;
    return write;
  };

  const result = app(('rawEnviron' in options ? options.rawEnviron : environ) as Environ, startResponse);
  try {
    for (const chunk of result) write(chunk);
  } finally {
    if (options.close !== false) result.close?.();
  }
  return { status, headers, body: chunks.map(decode).join(''), chunks, errors: errors.text };
}

/** An app answering `status` with `headers` and `body` chunks (a list). */
export function answer(status: unknown, headers: unknown, ...body: unknown[]): Application {
  return (_environ, startResponse) => {
    (startResponse as (...args: unknown[]) => unknown)(status, headers);
    return body as Bytes[];
  };
}

export const TEXT: Header[] = [['Content-Type', 'text/plain']];
