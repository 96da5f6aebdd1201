/**
 * The whole contract between a server and an application, after PEP 3333
 * ("Python Web Server Gateway Interface v1.0.1"), spelled for TypeScript.
 *
 * Section names in the comments are PEP 3333's headings, so each rule can be
 * looked up in the PEP. Keys of {@link Environ} keep the PEP's spelling
 * (REQUEST_METHOD, wsgi.input, ...) so the lecture's table maps 1:1.
 */

/** A byte chunk. PEP 3333 "A Note On String Types": bodies are bytes, never text. */
export type Bytes = Uint8Array;

/**
 * The application object. PEP 3333 "The Application/Framework Side":
 * a callable taking exactly two positional arguments, called once per request,
 * returning an iterable of zero or more bytes objects.
 *
 * It is synchronous on purpose: a Promise is not an iterable of bytes.
 * A plain function, a generator function, or a bound method all qualify.
 */
export type Application = (environ: Environ, startResponse: StartResponse) => ResponseBody;

/**
 * What the application returns. PEP 3333 "The Application/Framework Side":
 * an iterable yielding bytes; if it has close(), the server calls it when the
 * request is done, whether it succeeded, failed or the client went away.
 */
export type ResponseBody = Iterable<Bytes> & { close?: () => void };

/** A response header as a [name, value] pair of strings. PEP 3333 "The start_response() Callable". */
export type Header = [name: string, value: string];

/**
 * start_response(status, response_headers, exc_info?) -> write.
 * PEP 3333 "The start_response() Callable":
 * - status is "NNN Reason phrase";
 * - headers is a list of [name, value] pairs, no hop-by-hop headers;
 * - a second call is only allowed with excInfo, and only before headers were sent;
 * - the server must not send anything until the first non-empty body chunk.
 */
export type StartResponse = (status: string, headers: Header[], excInfo?: unknown) => Write;

/**
 * The legacy imperative write() callable. PEP 3333 "The write() Callable":
 * kept for old frameworks; new applications return their body instead.
 */
export type Write = (data: Bytes) => void;

/**
 * wsgi.input. PEP 3333 "Input and Error Streams": read/readline/readlines and
 * iteration over lines; end-of-file at CONTENT_LENGTH; read() with no size
 * returns the rest of the body.
 */
export interface InputStream extends Iterable<Bytes> {
  read(size?: number): Bytes;
  readline(size?: number): Bytes;
  readlines(hint?: number): Bytes[];
}

/** wsgi.errors. PEP 3333 "Input and Error Streams": a text stream for the server's log. */
export interface ErrorStream {
  write(text: string): void;
  writelines(lines: Iterable<string>): void;
  flush(): void;
}

/** Keys PEP 3333 "environ Variables" takes from CGI. All values are strings. */
export interface CgiVariables {
  /** Always present and never empty ("GET", "POST", ...). */
  REQUEST_METHOD: string;
  /** The mount point of the application; "" when mounted at the root. May be left out when empty. */
  SCRIPT_NAME?: string;
  /** The rest of the path, percent-decoded. May be left out when empty. */
  PATH_INFO?: string;
  /** The part after "?", not decoded. May be left out when empty. */
  QUERY_STRING?: string;
  /** The request's Content-Type header. May be left out when empty. */
  CONTENT_TYPE?: string;
  /** The request's Content-Length header, as a decimal string. May be left out when empty. */
  CONTENT_LENGTH?: string;
  /** Never empty. */
  SERVER_NAME: string;
  /** Never empty; a string like "8000". */
  SERVER_PORT: string;
  /** "HTTP/1.0" or "HTTP/1.1". */
  SERVER_PROTOCOL: string;
  /** The client's address, when the server knows it. */
  REMOTE_ADDR?: string;
}

/** The wsgi.* keys PEP 3333 "environ Variables" requires. */
export interface WsgiVariables {
  /** Always [1, 0]. */
  'wsgi.version': readonly [1, 0];
  /** "http" or "https". */
  'wsgi.url_scheme': 'http' | 'https';
  'wsgi.input': InputStream;
  'wsgi.errors': ErrorStream;
  /** True when the same app may be called from several threads at once. */
  'wsgi.multithread': boolean;
  /** True when several processes may run the same app at once. */
  'wsgi.multiprocess': boolean;
  /** True when the app will be called once in this process's life. */
  'wsgi.run_once': boolean;
}

/**
 * HTTP_* keys: one for every other request header (PEP 3333 "environ
 * Variables", after CGI: upper-case, "-" to "_"; never HTTP_CONTENT_TYPE or
 * HTTP_CONTENT_LENGTH). A string when the request sent that header, absent
 * otherwise, so `environ.HTTP_IF_NONE_MATCH` needs no cast.
 */
export type HttpVariables = { [key: `HTTP_${string}`]: string | undefined };

/**
 * The environ: a plain object built fresh for each request (PEP 3333
 * "environ Variables"). Besides the CGI, wsgi.* and HTTP_* keys it holds
 * extension keys, lower-case and prefixed with the server's name (e.g.
 * "socket.client_disconnected").
 */
export type Environ = CgiVariables & WsgiVariables & HttpVariables & { [key: string]: unknown };
