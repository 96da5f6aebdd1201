/**
 * The environ the server passes: the server's side of the contract.
 *
 * PEP 3333 "Specification Details": a builtin dictionary, not a subclass or
 * emulation — here, a plain object. "environ Variables": the required CGI
 * and wsgi.* keys, CGI values as strings, the shapes of SCRIPT_NAME,
 * PATH_INFO and CONTENT_LENGTH. "Input and Error Streams": the methods of
 * wsgi.input and wsgi.errors. "Unicode Issues": ISO-8859-1 strings only
 * (except the UTF-8-decoded paths of this kit).
 */
import type { Environ } from '../types.ts';
import { violation, warningLine } from './codes.ts';
import { firstNonLatin1, kind, show } from './describe.ts';

const REQUIRED = [
  'REQUEST_METHOD',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'wsgi.version',
  'wsgi.url_scheme',
  'wsgi.input',
  'wsgi.errors',
  'wsgi.multithread',
  'wsgi.multiprocess',
  'wsgi.run_once',
] as const;

/** PEP 3333: "This cannot ever be an empty string" (method), "must never be empty" (name, port). */
const NEVER_EMPTY = ['REQUEST_METHOD', 'SERVER_NAME', 'SERVER_PORT'] as const;

const FLAGS = ['wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once'] as const;

/** The methods of RFC 9110 §9 and RFC 5789 (PATCH); others only earn a warning, as in wsgiref.validate. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasMethods(value: unknown, names: readonly (string | symbol)[]): (string | symbol)[] {
  const target = value as Record<string | symbol, unknown> | null | undefined;
  return names.filter((name) => typeof target?.[name] !== 'function');
}

function checkStreams(environ: Record<string, unknown>): void {
  const input = environ['wsgi.input'];
  const missingIn = hasMethods(input, ['read', 'readline', 'readlines', Symbol.iterator]);
  if (missingIn.length > 0) {
    throw violation('environ-input-methods', `wsgi.input (${show(input)}) lacks ${missingIn.map(String).join(', ')}`);
  }
  const errors = environ['wsgi.errors'];
  const missingErr = hasMethods(errors, ['write', 'writelines', 'flush']);
  if (missingErr.length > 0) {
    throw violation('environ-errors-methods', `wsgi.errors (${show(errors)}) lacks ${missingErr.join(', ')}`);
  }
}

function checkPaths(environ: Record<string, unknown>): void {
  // "OPTIONS *" (RFC 9112 §3.2.4, asterisk-form) has no path: PATH_INFO "*" is what servers pass.
  const asterisk = environ.REQUEST_METHOD === 'OPTIONS' && environ.PATH_INFO === '*';
  for (const key of ['SCRIPT_NAME', 'PATH_INFO'] as const) {
    const value = environ[key];
    if (typeof value === 'string' && value !== '' && !value.startsWith('/') && !(key === 'PATH_INFO' && asterisk)) {
      throw violation('environ-path', `${key} is ${show(value)}, which does not start with "/"`);
    }
  }
  const script = environ.SCRIPT_NAME;
  if (script === '/') {
    throw violation('environ-script-name-root', 'SCRIPT_NAME is "/"');
  }
  if ((script === undefined || script === '') && !('PATH_INFO' in environ)) {
    throw violation('environ-path', 'neither SCRIPT_NAME nor PATH_INFO is set', 'PATH_INFO is at least "/" when SCRIPT_NAME is empty.');
  }
}

/**
 * Check the environ (server side). Unknown request methods are written to
 * `warn` (the request's wsgi.errors) instead of failing: an application can
 * legitimately receive them and should answer 405 or 501.
 */
export function checkEnviron(environ: unknown, warn: (line: string) => void): asserts environ is Environ {
  if (!isPlainObject(environ)) {
    throw violation('environ-type', `environ is ${kind(environ)}, not a plain object`);
  }
  for (const key of REQUIRED) {
    if (!(key in environ)) throw violation('environ-missing-key', `environ has no ${key}`);
  }
  for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH'] as const) {
    if (key in environ) throw violation('environ-http-content-header', `environ has ${key} (use ${key.slice(5)})`);
  }
  for (const [key, value] of Object.entries(environ)) {
    if (key.includes('.')) continue; // an extension or wsgi.* key: any type
    if (typeof value !== 'string') {
      throw violation('environ-value-not-string', `environ.${key} is ${kind(value)}: ${show(value)}`);
    }
    // PATH_INFO and SCRIPT_NAME are exempt: this kit percent-decodes paths as
    // UTF-8 text (grader/wsgi/request-target.ts), where Python servers pass
    // latin-1 "bytes-as-str"; every other CGI value comes from latin-1 bytes.
    const wide = key === 'PATH_INFO' || key === 'SCRIPT_NAME' ? undefined : firstNonLatin1(value);
    if (wide !== undefined) {
      throw violation('environ-not-latin1', `environ.${key} contains ${show(wide)}, which is not ISO-8859-1`);
    }
  }
  for (const key of NEVER_EMPTY) {
    if (environ[key] === '') throw violation('environ-missing-key', `environ.${key} is empty`);
  }

  const version = environ['wsgi.version'];
  if (!Array.isArray(version) || version.length !== 2 || version[0] !== 1 || version[1] !== 0) {
    throw violation('environ-wsgi-version', `wsgi.version is ${show(version)}`);
  }
  const scheme = environ['wsgi.url_scheme'];
  if (scheme !== 'http' && scheme !== 'https') {
    throw violation('environ-url-scheme', `wsgi.url_scheme is ${show(scheme)}`);
  }
  for (const key of FLAGS) {
    if (typeof environ[key] !== 'boolean') {
      throw violation('environ-flag-type', `${key} is ${kind(environ[key])}`);
    }
  }
  checkStreams(environ);
  checkPaths(environ);

  const length = environ.CONTENT_LENGTH;
  if (typeof length === 'string' && length !== '' && !/^\d+$/.test(length)) {
    throw violation('environ-content-length', `CONTENT_LENGTH is ${show(length)}`);
  }

  const method = environ.REQUEST_METHOD;
  if (typeof method === 'string' && !KNOWN_METHODS.has(method)) {
    warn(warningLine('unknown-request-method', `unknown REQUEST_METHOD ${show(method)}`));
  }
}
