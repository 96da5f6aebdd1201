/**
 * The to-do API as a WSGI-style application (PEP 3333): one synchronous
 * function, called once per request with environ and start_response,
 * returning the body as an iterable of bytes.
 *
 * Read in this order: app.ts (here), http.ts (environ in, bytes out),
 * routes.ts (which resource, which method, which status), validation.ts
 * (what a client may send), todos.ts (the store), listing.ts (filters and
 * pages), hypermedia.ts (links), caching.ts (ETag and 304).
 */
import type { Environ, ResponseBody, StartResponse } from '../grader/wsgi/types.ts';
import { readRequest, respond } from './http.ts';
import { route } from './routes.ts';
import { TodoStore } from './todos.ts';

/** The app's state: an empty store for every fresh instance of the app. */
const store = new TodoStore();

export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  const response = route(store, readRequest(environ));
  return respond(startResponse, response);
}
