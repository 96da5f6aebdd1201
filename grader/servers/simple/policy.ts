/**
 * Where the simple server's environ differs from the socket server's: the
 * choices of Python's wsgiref.simple_server (Lib/wsgiref/simple_server.py,
 * WSGIRequestHandler.get_environ), all legal under PEP 3333 "environ Variables".
 */
import { hostname } from 'node:os';
import type { EnvironPolicy } from '../../wsgi/environ.ts';

/**
 * The simple server's environ policy. `requestNumber` gives the value of its
 * one extension key, "simple.request_number" (1 for the server's first request).
 */
export function simpleEnvironPolicy(requestNumber: () => number): EnvironPolicy {
  return {
    // wsgiref uses the host's fully qualified name; the host name is what Node offers without DNS.
    serverName: hostname() || 'localhost',
    // wsgiref: CONTENT_TYPE falls back to the MIME default "text/plain", CONTENT_LENGTH to "".
    missingContentType: 'text/plain',
    missingContentLength: '',
    // wsgiref keeps "X_Forwarded_For" and merges it into HTTP_X_FORWARDED_FOR.
    underscoreHeaders: 'keep',
    // wsgiref: env['HTTP_' + k] += ',' + v
    duplicateSeparator: ',',
    // One process, and the app is called from the event loop's one thread, one
    // request at a time (requests queue): nothing runs the app concurrently.
    multithread: false,
    multiprocess: false,
    extensions: () => ({ 'simple.request_number': requestNumber() }),
  };
}
