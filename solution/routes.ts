/**
 * Routing: which resource a request names, whether that resource supports
 * the method, and which handler answers. The checks run in the order of
 * precedence the exercise fixes:
 *   404 unknown path → 405 method not allowed → 404 unknown id → 415 → 400.
 */
import { conditionalGet } from './caching.ts';
import { ENTRY_POINT, represent } from './hypermedia.ts';
import { errorResponse, json, noContent, withoutBody, type Request, type Response } from './http.ts';
import { listing, readListQuery } from './listing.ts';
import type { Todo, TodoStore } from './todos.ts';
import { readChanges, readNewTodo, readReplacement } from './validation.ts';

/** The resources of the API (Richardson level 1: one URL for each thing). */
type Resource = { kind: 'root' } | { kind: 'collection' } | { kind: 'item'; id: number };

/** PATH_INFO → the resource it names, or undefined when it names nothing. */
function resourceAt(path: string): Resource | undefined {
  if (path === '/') return { kind: 'root' };
  if (path === '/todos') return { kind: 'collection' };
  // <id> is one or more digits: "/todos/abc", "/todos/" and "/todos/1/" name nothing.
  const match = /^\/todos\/([0-9]+)$/.exec(path);
  return match === null ? undefined : { kind: 'item', id: Number(match[1]) };
}

/** The methods each resource supports, as the Allow header lists them (RFC 9110 §10.2.1). */
const ALLOWED: Readonly<Record<Resource['kind'], readonly string[]>> = {
  root: ['GET', 'HEAD', 'OPTIONS'],
  collection: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  item: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
};

export function route(store: TodoStore, request: Request): Response {
  const resource = resourceAt(request.path);
  // 404 Not Found: no resource has this path, whatever the method.
  if (resource === undefined) {
    return errorResponse(404, `nothing at ${request.path}: the API has /, /todos and /todos/<id>`);
  }

  // 405 Method Not Allowed, with Allow listing the methods the resource does support.
  const allowed = ALLOWED[resource.kind];
  if (!allowed.includes(request.method)) {
    return errorResponse(405, `${request.method} is not allowed on ${request.path}`, [['Allow', allowed.join(', ')]]);
  }

  // HEAD: the status and headers GET would give, without the body (RFC 9110 §9.3.2).
  if (request.method === 'HEAD') return withoutBody(route(store, { ...request, method: 'GET' }));

  if (resource.kind === 'root') return answerRoot(request, allowed);
  if (resource.kind === 'collection') return answerCollection(store, request, allowed);

  // 404 Not Found: an id no to-do has (any more) names nothing, whatever the method.
  const todo = store.get(resource.id);
  if (todo === undefined) return errorResponse(404, `no to-do has the id ${resource.id}`);
  return answerItem(store, request, todo, allowed);
}

/** OPTIONS: 204 No Content, and Allow says which methods the resource supports. */
function options(allowed: readonly string[]): Response {
  return noContent([['Allow', allowed.join(', ')]]);
}

function answerRoot(request: Request, allowed: readonly string[]): Response {
  if (request.method === 'OPTIONS') return options(allowed);
  // GET /: the entry point, linking to the collection (HATEOAS).
  return conditionalGet(request.ifNoneMatch, json(200, ENTRY_POINT));
}

function answerCollection(store: TodoStore, request: Request, allowed: readonly string[]): Response {
  switch (request.method) {
    case 'GET':
      return listTodos(store, request);
    case 'POST':
      return createTodo(store, request);
    default:
      return options(allowed); // OPTIONS, the only method left
  }
}

function answerItem(store: TodoStore, request: Request, todo: Todo, allowed: readonly string[]): Response {
  switch (request.method) {
    case 'GET':
      return getTodo(request, todo);
    case 'PUT':
      return replaceTodo(store, request, todo);
    case 'PATCH':
      return updateTodo(store, request, todo);
    case 'DELETE':
      return deleteTodo(store, todo);
    default:
      return options(allowed); // OPTIONS, the only method left
  }
}

/** GET /todos: 200 and the to-dos in creation order; filtered and paginated when the query asks. */
function listTodos(store: TodoStore, request: Request): Response {
  const query = readListQuery(request.query);
  if (!query.ok) return errorResponse(query.status, query.error);
  const { items, headers } = listing(store.list(), query.value);
  // The collection changes with every write: no-cache makes caches ask (with If-None-Match) before reusing it.
  const response = json(200, items.map(represent), [...headers, ['Cache-Control', 'no-cache']]);
  return conditionalGet(request.ifNoneMatch, response);
}

/** POST /todos: 201 Created, the new to-do, and Location: its URL (RFC 9110 §15.3.2). */
function createTodo(store: TodoStore, request: Request): Response {
  const fields = readNewTodo(request);
  if (!fields.ok) return errorResponse(fields.status, fields.error);
  const todo = store.create(fields.value);
  return json(201, represent(todo), [['Location', `/todos/${todo.id}`]]);
}

/** GET /todos/<id>: 200 and the to-do. */
function getTodo(request: Request, todo: Todo): Response {
  return conditionalGet(request.ifNoneMatch, json(200, represent(todo)));
}

/** PUT /todos/<id>: replace the whole to-do (idempotent: sending it twice changes nothing more). */
function replaceTodo(store: TodoStore, request: Request, todo: Todo): Response {
  const fields = readReplacement(request);
  if (!fields.ok) return errorResponse(fields.status, fields.error);
  return json(200, represent(store.replace(todo.id, fields.value)));
}

/** PATCH /todos/<id>: change only the fields sent. */
function updateTodo(store: TodoStore, request: Request, todo: Todo): Response {
  const changes = readChanges(request);
  if (!changes.ok) return errorResponse(changes.status, changes.error);
  const updated = store.replace(todo.id, {
    title: changes.value.title ?? todo.title,
    done: changes.value.done ?? todo.done,
  });
  return json(200, represent(updated));
}

/** DELETE /todos/<id>: 204 No Content. The id is gone for good: it is never given out again. */
function deleteTodo(store: TodoStore, todo: Todo): Response {
  store.delete(todo.id);
  return noContent();
}
