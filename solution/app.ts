/**
 * The to-do API as a WSGI-style application (PEP 3333): one synchronous
 * function, called once per request with environ and start_response,
 * returning the body as an iterable of bytes.
 *
 * Read in this order: app.ts (here), http.ts (environ in, bytes out),
 * routes.ts (which resource, which method, which status), validation.ts
 * (what a client may send), todos.ts (the store), sqlite-store.ts (the store
 * every process shares), listing.ts (filters and pages), hypermedia.ts
 * (links), caching.ts (ETag and 304).
 */
import type { Environ, ResponseBody, StartResponse } from '../grader/wsgi/types.ts';
import { readRequest, respond } from './http.ts';
import { route } from './routes.ts';
import { SqliteStore, sqliteModule } from './sqlite-store.ts';
import { MemoryStore, type TodoStore } from './todos.ts';

/** The app's state when the server names no database: an empty store for every fresh instance. */
const memory = new MemoryStore();
let database: { path: string; store: SqliteStore } | undefined;

/**
 * Where the to-dos live. A server that runs the app in several processes
 * (Level 4's prefork) names a database file in the extension key
 * todo.database, and every process keeps its to-dos there; otherwise memory.
 */
function storeFor(environ: Environ): TodoStore {
  const path = environ['todo.database'];
  const sqlite = typeof path === 'string' ? sqliteModule() : undefined;
  if (typeof path !== 'string' || sqlite === undefined) return memory;
  if (database?.path !== path) database = { path, store: new SqliteStore(sqlite, path) };
  return database.store;
}

export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  const response = route(storeFor(environ), readRequest(environ));
  return respond(startResponse, response);
}
