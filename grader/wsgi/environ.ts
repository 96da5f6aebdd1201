/**
 * Building the environ for one request, shared by both servers.
 *
 * PEP 3333 "environ Variables" fixes what must be there; where it lets servers
 * choose (empty CGI keys, duplicate headers, names with "_", SERVER_NAME ...),
 * the choice is a field of {@link EnvironPolicy}, so the servers differ only
 * in data, the way wsgiref and waitress differ.
 */
import type { LogSink } from './log.ts';
import { createErrorStream } from './errors.ts';
import { createInput } from './input.ts';
import { decodePath, splitTarget } from './request-target.ts';
import type { Environ } from './types.ts';

/** What a server parsed from the request line and header section. */
export interface RequestHead {
  /** As sent, e.g. "GET" (methods are case-sensitive, RFC 9110 §9.1). */
  method: string;
  /** The raw request-target: origin-form "/a%20b?x=1" or absolute-form "http://h/a?x=1". */
  target: string;
  version: 'HTTP/1.0' | 'HTTP/1.1';
  /** Header fields in arrival order, names as sent. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** The client's IP address, when known. */
  remoteAddress?: string;
  /** The port the server listens on (SERVER_PORT). */
  serverPort: number;
  /**
   * True when the body came with Transfer-Encoding: chunked and the server
   * decoded it. The app then sees a plain request: CONTENT_LENGTH is the
   * decoded length and there is no HTTP_TRANSFER_ENCODING (as waitress does),
   * since PEP 3333 "Other HTTP Features" leaves transfer codings to the server.
   */
  chunked?: boolean;
}

/** Where servers may differ, PEP 3333 "environ Variables" permitting. */
export interface EnvironPolicy {
  /** SERVER_NAME; never empty. */
  serverName: string;
  /** CONTENT_TYPE when the request has none; undefined leaves the key out. */
  missingContentType: string | undefined;
  /** CONTENT_LENGTH when the request has none; undefined leaves the key out. */
  missingContentLength: string | undefined;
  /**
   * Header names containing "_": 'keep' them (wsgiref), or 'drop' them
   * (waitress, gunicorn) because "X_Forwarded_For" and "X-Forwarded-For"
   * would both become HTTP_X_FORWARDED_FOR — a way to spoof a proxy's header.
   */
  underscoreHeaders: 'keep' | 'drop';
  /** How repeated header fields are joined into one value (RFC 9110 §5.3 allows either). */
  duplicateSeparator: ',' | ', ';
  /** wsgi.multithread: may the app be called from several threads at once? */
  multithread: boolean;
  /** wsgi.multiprocess: may several processes run the app at once? */
  multiprocess: boolean;
  /**
   * The server's extension keys for this request. PEP 3333 "environ
   * Variables": lower-case, prefixed with the server's name ("simple.x").
   */
  extensions?: (request: RequestHead) => Record<string, unknown>;
}

const EXTENSION_KEY = /^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/;

/** "X-Forwarded-For" → "X_FORWARDED_FOR" (PEP 3333 "environ Variables", after CGI's HTTP_ variables). */
export function cgiHeaderName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/**
 * "X-Forwarded-For" → "HTTP_X_FORWARDED_FOR". Cached: clients send the same
 * few names again and again, and the cached key is one string V8 already
 * knows as a property name, where a key built anew is looked up in its
 * string table on every store. Bounded, so hostile names can't grow it.
 */
function httpKey(name: string): string {
  let key = HTTP_KEYS.get(name);
  if (key === undefined) {
    key = `HTTP_${cgiHeaderName(name)}`;
    if (HTTP_KEYS.size < HTTP_KEYS_MAX) HTTP_KEYS.set(name, key);
  }
  return key;
}

const HTTP_KEYS = new Map<string, string>();
const HTTP_KEYS_MAX = 512;

/** True for the whitespace RFC 9110 §5.6.3 allows around a field value (SP, HTAB). */
function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** A field value without surrounding SP/HTAB (RFC 9110 §5.5). */
function trimOws(value: string): string {
  if (value.length === 0 || (!isOws(value.charCodeAt(0)) && !isOws(value.charCodeAt(value.length - 1)))) return value;
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Build a fresh environ for one request (PEP 3333 "environ Variables").
 *
 * - REQUEST_METHOD, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL: always.
 * - SCRIPT_NAME "" (the app is mounted at the root), PATH_INFO the
 *   percent-decoded path, QUERY_STRING the raw query: always, maybe "".
 * - CONTENT_TYPE / CONTENT_LENGTH from their headers (the first field if
 *   repeated), else the policy's value; never HTTP_CONTENT_TYPE/LENGTH.
 * - HTTP_* for every other header; repeated names joined per the policy.
 * - wsgi.input over `body`, wsgi.errors writing lines to `log`.
 * All CGI values are strings.
 */
export function buildEnviron(request: RequestHead, body: Uint8Array, policy: EnvironPolicy, log: LogSink): Environ {
  const { rawPath, query } = splitTarget(request.target);
  const environ: Environ = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: '',
    PATH_INFO: decodePath(rawPath),
    QUERY_STRING: query,
    SERVER_NAME: policy.serverName,
    SERVER_PORT: String(request.serverPort),
    SERVER_PROTOCOL: request.version,
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': createInput(body),
    'wsgi.errors': createErrorStream(log),
    'wsgi.multithread': policy.multithread,
    'wsgi.multiprocess': policy.multiprocess,
    // A long-running server calls the app many times (PEP 3333: run_once is for CGI).
    'wsgi.run_once': false,
  };
  if (request.remoteAddress !== undefined) environ.REMOTE_ADDR = request.remoteAddress;

  let contentType: string | undefined;
  let contentLength: string | undefined;
  for (const [name, rawValue] of request.headers) {
    // RFC 9110 §5.5: whitespace around a field value is not part of it.
    const value = trimOws(rawValue);
    // Only names of these lengths can be Content-Type (12), Content-Length (14) or Transfer-Encoding (17).
    const lower = name.length === 12 || name.length === 14 || name.length === 17 ? name.toLowerCase() : '';
    if (lower === 'content-type') {
      contentType ??= value;
      continue;
    }
    if (lower === 'content-length') {
      contentLength ??= value;
      continue;
    }
    if (request.chunked && lower === 'transfer-encoding') continue;
    if (name.includes('_') && policy.underscoreHeaders === 'drop') continue;
    const key = httpKey(name);
    // "Content_Type" must not sneak in as HTTP_CONTENT_TYPE (PEP 3333 "environ Variables").
    if (key === 'HTTP_CONTENT_TYPE' || key === 'HTTP_CONTENT_LENGTH') continue;
    const previous = environ[key];
    environ[key] = typeof previous === 'string' ? `${previous}${policy.duplicateSeparator}${value}` : value;
  }
  if (request.chunked) contentLength = String(body.byteLength);

  const type = contentType ?? policy.missingContentType;
  if (type !== undefined) environ.CONTENT_TYPE = type;
  const length = contentLength ?? policy.missingContentLength;
  if (length !== undefined) environ.CONTENT_LENGTH = length;

  if (policy.extensions === undefined) return environ;
  const extensions = policy.extensions(request);
  for (const key of Object.keys(extensions)) {
    if (!CHECKED_KEYS.has(key)) {
      if (!EXTENSION_KEY.test(key) || key.startsWith('wsgi.')) {
        throw new Error(`server extension key "${key}" must be lower-case and prefixed with the server's name`);
      }
      // A server uses the same few keys for every request: check each once.
      if (CHECKED_KEYS.size < 64) CHECKED_KEYS.add(key);
    }
    environ[key] = extensions[key];
  }
  return environ;
}

/** Extension keys already found well-formed. */
const CHECKED_KEYS = new Set<string>();
