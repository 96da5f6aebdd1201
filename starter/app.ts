/**
 * Your to-do API, as a WSGI-style application. Read starter/README.md first.
 *
 * Run it:    npm run serve -- starter/app.ts     (then: curl -i http://127.0.0.1:8000/todos)
 * Grade it:  npm run grade
 *
 * Right now every request gets "501 Not Implemented". Replace that, step by
 * step, following the TODOs below in order.
 */

// Types only: `import type` is erased when the grader bundles your app, so it
// may point outside your folder. Any other import must stay inside your
// submission's folder (node: built-ins such as node:crypto are fine).
import type { Environ, Header, ResponseBody, StartResponse } from '../grader/wsgi/types.ts';

// TODO 1 — state: keep the to-dos here (an array or a Map) and a counter for
// the next id. Never derive an id from the number of to-dos: ids are never reused.

export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  // TODO 2 — routing: look at environ.REQUEST_METHOD ("GET", "POST", ...) and
  // environ.PATH_INFO ("/todos", "/todos/7"). Start with GET /todos → 200 and [].
  // A path the API does not have → 404; a known path with another method → 405 + Allow.

  // TODO 3 — the request body (POST): read exactly environ.CONTENT_LENGTH bytes with
  // environ['wsgi.input'].read(n). CONTENT_LENGTH is a string, and may be "" or
  // missing altogether when there is no body: both mean 0 bytes.

  // TODO 4 — JSON: decode the bytes (new TextDecoder().decode(bytes)), JSON.parse
  // inside try/catch, and check the fields. Anything wrong → 400 {"error": "..."}.

  // TODO 5 — status codes and headers: 201 + Location for a new to-do, 204 for a
  // delete, 404/405/400 with a JSON error. Every body is bytes, with
  // Content-Type and a Content-Length that counts bytes (Buffer.byteLength).

  const body = Buffer.from(JSON.stringify({ error: 'not implemented yet: start with GET /todos in starter/app.ts' }), 'utf8');
  const headers: Header[] = [
    ['Content-Type', 'application/json'],
    ['Content-Length', String(body.byteLength)],
  ];
  startResponse('501 Not Implemented', headers);
  return [body];
}
