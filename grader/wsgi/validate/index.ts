/**
 * validate(app): middleware that checks both sides of the WSGI contract on
 * every request, after Python's wsgiref.validate (Lib/wsgiref/validate.py),
 * extended with the rules that checker leaves out. A broken rule throws a
 * {@link WsgiViolation} whose code is listed in {@link VIOLATION_CODES}; the
 * server answers 500 and logs it. With `onViolation`, a violation is also
 * reported the moment it is found, so one the application catches still
 * counts (report.ts). For a correct app and server it changes
 * nothing: same calls, same items, same laziness.
 *
 * What it checks (PEP 3333 headings in parentheses):
 *
 * The server's call ("Specification Details")
 * - the application is called with exactly two arguments, the second callable;
 * - the response iterable is closed by the server, and not iterated after
 *   close() (how a missing close() is detected: see close-watch.ts).
 *
 * environ ("environ Variables", "Input and Error Streams", "Unicode Issues")
 * - a plain object (prototype Object.prototype or null), not a Map or class;
 * - REQUEST_METHOD, SERVER_NAME, SERVER_PORT (none empty), SERVER_PROTOCOL,
 *   wsgi.version, wsgi.url_scheme, wsgi.input, wsgi.errors,
 *   wsgi.multithread, wsgi.multiprocess, wsgi.run_once are present;
 * - no HTTP_CONTENT_TYPE / HTTP_CONTENT_LENGTH;
 * - every key without a dot has a string value, ISO-8859-1 only (except
 *   PATH_INFO and SCRIPT_NAME, which this kit decodes as UTF-8);
 * - wsgi.version is [1, 0]; wsgi.url_scheme is http or https; the three
 *   flags are booleans;
 * - wsgi.input has read, readline, readlines, [Symbol.iterator]; wsgi.errors
 *   has write, writelines, flush;
 * - SCRIPT_NAME and PATH_INFO are empty or start with "/" (PATH_INFO "*" for
 *   "OPTIONS *"), at least one is set, and SCRIPT_NAME is not "/";
 * - CONTENT_LENGTH, when not empty, is a non-negative integer;
 * - an unknown REQUEST_METHOD is a warning written to wsgi.errors.
 *
 * The application's call and result ("The Application/Framework Side",
 * "Specification Details", "A Note On String Types")
 * - it is not an async function or async generator function;
 * - it returns something: not undefined, null or false;
 * - not a Promise/thenable nor an async iterable ("WSGI apps are synchronous");
 * - not a string, not a Uint8Array itself, and iterable;
 * - every item is a Uint8Array (not text, numbers, arrays or objects).
 *
 * start_response() ("The start_response() Callable", "Unicode Issues",
 * "Other HTTP Features")
 * - called with 2 or 3 arguments; again only with exc_info; with exc_info
 *   after the headers were sent, the server must throw;
 * - called before the first non-empty chunk, or before the iterable ends
 *   (calling it lazily inside a generator is fine);
 * - status: a string (not a number), a 3-digit code 200–599, one space, a
 *   reason phrase, no surrounding whitespace, no control characters, Latin-1;
 * - headers: an array (not an object or Map) of [string, string] pairs; no
 *   "Status" header; names are tokens (no ":" or newline, a letter first, not
 *   ending in "-" or "_"); values without control characters (CR/LF hint at
 *   header injection), Latin-1; no hop-by-hop header;
 * - Content-Type present unless the status is 204 or 304, absent on those;
 *   a 204 or 304 response has no body.
 *
 * Content-Length ("Handling the Content-Length Header")
 * - one decimal number; the body (write() plus iterable) is not longer, and
 *   when the iterable ends not shorter (except for HEAD and 304).
 *
 * write() ("The write() Callable")
 * - called with one Uint8Array; not from within the returned iterable.
 *
 * wsgi.input and wsgi.errors ("Input and Error Streams")
 * - read(size?), readline(size?), readlines(hint?) take at most one integer
 *   (read() with no size is allowed, unlike wsgiref.validate: the PEP says a
 *   server should support it);
 * - read(size) does not ask for more than what CONTENT_LENGTH leaves;
 * - the server's input returns Uint8Arrays (readlines an array of them);
 * - errors.write takes a string, writelines an iterable of strings;
 * - neither stream is closed by the application.
 *
 * Not ported: validate.py's warning when QUERY_STRING is absent (it is about
 * Python's cgi module; the PEP lets servers omit empty keys) and its check
 * that exc_info is a tuple (here exc_info is whatever was caught).
 */
import type { Application, Environ, ResponseBody, StartResponse } from '../types.ts';
import { checkCallArgs, checkNotAsync, checkResult, closeQuietly } from './application.ts';
import { CloseWatch } from './close-watch.ts';
import { violation } from './codes.ts';
import { show } from './describe.ts';
import { checkEnviron } from './environ.ts';
import { checkBody } from './iterator.ts';
import { ResponseState } from './response-state.ts';
import { checkStartResponse } from './start-response.ts';
import { checkErrors, checkInput } from './streams.ts';
import { reportingErrors, reportingInput, reportingStartResponse, type ViolationSink } from './report.ts';
import type { WsgiViolation } from '../violation.ts';

export { ALL_VIOLATION_CODES, VIOLATION_CODES, WARNING_CODES, violation } from './codes.ts';
export type { RuleInfo, Side, ViolationCode, WarningCode } from './codes.ts';
export { HOP_BY_HOP_HEADERS } from './headers.ts';

export interface ValidateOptions {
  /**
   * How long after the server finished iterating a response its close() may
   * come. 0 (the default) means "by the end of the current macrotask".
   */
  closeGraceMs?: number;
  /**
   * Told of each violation the moment a check finds it, with the environ the
   * server passed. The checks in the callables the application gets
   * (startResponse, write, wsgi.input, wsgi.errors) throw into the
   * application's code, which may catch the error; this hears of it first
   * (see report.ts). Without it, violations are only thrown.
   */
  onViolation?: (violation: WsgiViolation, environ: Environ) => void;
}

function describeRequest(environ: Environ): string {
  const query = environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : '';
  return `${environ.REQUEST_METHOD} ${environ.SCRIPT_NAME ?? ''}${environ.PATH_INFO ?? ''}${query}`;
}

/**
 * The environ the application sees: a copy (same prototype) whose streams
 * are checked. A copy, so that the server's own environ keeps the original
 * streams (it may drain wsgi.input after the app, which is no app read).
 */
function appEnviron(environ: Environ, sink: ViolationSink | undefined): Environ {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(environ) as object | null) as Environ, environ);
  const input = checkInput(environ['wsgi.input'], environ.CONTENT_LENGTH);
  const errors = checkErrors(environ['wsgi.errors']);
  copy['wsgi.input'] = sink === undefined ? input : reportingInput(input, sink);
  copy['wsgi.errors'] = sink === undefined ? errors : reportingErrors(errors, sink);
  return copy;
}

/** Wrap `app` so every request checks both sides of the contract (see the list above). */
export function validate(app: Application, options: ValidateOptions = {}): Application {
  const watch = new CloseWatch(options.closeGraceMs ?? 0);

  // A classic function with two parameters, so `length` stays 2; `arguments` sees extra ones.
  const validated = function (environ: Environ, startResponse: StartResponse): ResponseBody {
    const earlier = watch.takePending();
    if (earlier !== undefined) throw earlier;

    checkCallArgs(Array.from(arguments));
    checkEnviron(environ, (line) => environ['wsgi.errors'].write(line));
    if (typeof startResponse !== 'function') {
      throw violation('app-call-args', `the second argument (startResponse) is ${show(startResponse)}, not a function`);
    }
    checkNotAsync(app);

    const state = new ResponseState(environ.REQUEST_METHOD);
    const onViolation = options.onViolation;
    const sink: ViolationSink | undefined = onViolation === undefined ? undefined : (found) => onViolation(found, environ);
    const checked = checkStartResponse(startResponse, state);
    const result: unknown = app(appEnviron(environ, sink), sink === undefined ? checked : reportingStartResponse(checked, sink));
    state.appReturned = true;
    try {
      const body = checkResult(result);
      return checkBody(body, state, watch, watch.ticket(environ['wsgi.errors'], describeRequest(environ)));
    } catch (error) {
      // The server never gets this result, so it cannot close it.
      closeQuietly(result);
      throw error;
    }
  };
  Object.defineProperty(validated, 'name', { value: `validate(${app.name || 'application'})` });
  return validated;
}
