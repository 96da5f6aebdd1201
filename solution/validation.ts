/**
 * Checking what a client sends before anything changes: the media type
 * (415), then the bytes, the JSON and the fields (400). A rejected request
 * changes nothing.
 */
import type { Request } from './http.ts';
import type { TodoFields } from './todos.ts';

/** Why a request was refused: the status and message of the error answer. */
export interface Rejection {
  ok: false;
  status: 400 | 415;
  error: string;
}

/** Either the checked value, or why it was refused. */
export type Checked<T> = { ok: true; value: T } | Rejection;

type JsonObject = Record<string, unknown>;

function rejected(status: 400 | 415, error: string): Rejection {
  return { ok: false, status, error };
}

/**
 * Content negotiation: the body must be declared as application/json.
 * Parameters such as "; charset=utf-8" are allowed, and media types are
 * case-insensitive (RFC 9110 §8.3.1). A missing Content-Type is not JSON:
 * the socket server leaves CONTENT_TYPE out, the simple server says "text/plain".
 */
function isJson(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json';
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body of a POST, PUT or PATCH as a JSON object: 415 before 400. */
function readJsonObject(request: Request): Checked<JsonObject> {
  if (!isJson(request.contentType)) {
    return rejected(415, 'send the body as JSON, with the header Content-Type: application/json');
  }
  if (request.body.length === 0) {
    return rejected(400, 'the request has no body: send a JSON object such as {"title": "Buy milk"}');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(request.body);
  } catch {
    return rejected(400, 'the body is not valid UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return rejected(400, 'the body is not valid JSON');
  }
  if (!isObject(value)) {
    return rejected(400, 'the body must be a JSON object such as {"title": "Buy milk"}');
  }
  return { ok: true, value };
}

/** title: a string with at least one non-whitespace character. It is stored exactly as sent. */
function titleProblem(body: JsonObject): string | undefined {
  if (!Object.hasOwn(body, 'title')) return 'title is required';
  if (typeof body.title !== 'string') return 'title must be a string';
  if (body.title.trim() === '') return 'title must not be empty';
  return undefined;
}

/** done: true or false, nothing else (not null, not "true", not 1). */
function doneProblem(body: JsonObject): string | undefined {
  if (!Object.hasOwn(body, 'done')) return 'done is required';
  return typeof body.done === 'boolean' ? undefined : 'done must be true or false';
}

/** POST /todos: title required, done optional (default false). Unknown fields are ignored. */
function checkNewTodo(body: JsonObject): Checked<TodoFields> {
  const problem = titleProblem(body) ?? (Object.hasOwn(body, 'done') ? doneProblem(body) : undefined);
  if (problem !== undefined) return rejected(400, problem);
  return { ok: true, value: { title: body.title as string, done: body.done === true } };
}

/** PUT /todos/<id> replaces the whole to-do: title and done are both required. */
function checkReplacement(body: JsonObject): Checked<TodoFields> {
  const problem = titleProblem(body) ?? doneProblem(body);
  if (problem !== undefined) return rejected(400, `${problem} (PUT replaces the whole to-do)`);
  return { ok: true, value: { title: body.title as string, done: body.done as boolean } };
}

/** PATCH /todos/<id> changes some fields: title and/or done, each checked like in POST. */
function checkChanges(body: JsonObject): Checked<Partial<TodoFields>> {
  const hasTitle = Object.hasOwn(body, 'title');
  const hasDone = Object.hasOwn(body, 'done');
  if (!hasTitle && !hasDone) return rejected(400, 'nothing to change: send title and/or done');
  const problem = (hasTitle ? titleProblem(body) : undefined) ?? (hasDone ? doneProblem(body) : undefined);
  if (problem !== undefined) return rejected(400, problem);
  return {
    ok: true,
    value: {
      ...(hasTitle ? { title: body.title as string } : {}),
      ...(hasDone ? { done: body.done as boolean } : {}),
    },
  };
}

/** Read the body as a JSON object, then check its fields with `check`. */
function readFields<T>(request: Request, check: (body: JsonObject) => Checked<T>): Checked<T> {
  const body = readJsonObject(request);
  return body.ok ? check(body.value) : body;
}

export function readNewTodo(request: Request): Checked<TodoFields> {
  return readFields(request, checkNewTodo);
}

export function readReplacement(request: Request): Checked<TodoFields> {
  return readFields(request, checkReplacement);
}

export function readChanges(request: Request): Checked<Partial<TodoFields>> {
  return readFields(request, checkChanges);
}
