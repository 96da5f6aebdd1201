/**
 * The steps of a random request sequence, as plain data.
 *
 * An operation never holds a concrete id: it says "the 2nd live to-do" or
 * "an id deleted earlier", and is resolved against the model's state when it
 * is sent. So shrinking can drop any step and what is left is still a
 * meaningful sequence, and the ids in the transcript are the ones the app
 * really handed out.
 */

/** Which id a request names, resolved when it is sent. */
export type IdRef =
  /** The (pick mod count)-th to-do that exists now; an unused id when none does. */
  | { kind: 'live'; pick: number }
  /** An id whose to-do was deleted; an unused id when none was. */
  | { kind: 'deleted'; pick: number }
  /** An id the app never handed out: the largest so far + 1 + offset. */
  | { kind: 'unused'; offset: number };

/**
 * How a path segment can look like an id without being one ("<digits>" and
 * nothing else is an id). Each is built from a live to-do's id, so an app
 * that parses loosely (parseInt, Number) would find that to-do.
 */
export const MALFORMED_FORMS = ['letters', 'suffix', 'empty', 'slash', 'negative', 'decimal', 'exponent', 'hex', 'plus', 'accent'] as const;
export type MalformedForm = (typeof MALFORMED_FORMS)[number];

/** The body of a POST /todos. */
export type CreateBody =
  /** JSON.stringify(value), Content-Type: application/json. */
  | { kind: 'json'; value: unknown }
  /** Text sent as is with Content-Type: application/json (broken JSON). */
  | { kind: 'text'; text: string }
  /** No body: Content-Length: 0. */
  | { kind: 'empty' }
  /** No body and no Content-Length header at all (written raw: an HTTP client would add Content-Length: 0). */
  | { kind: 'no-length' };

export type Operation =
  | { kind: 'create'; body: CreateBody }
  | { kind: 'list' }
  | { kind: 'delete'; id: IdRef }
  /** DELETE on /todos/<something that is not an id>. */
  | { kind: 'delete-malformed'; pick: number; form: MalformedForm }
  /** A method no tier allows on a path that exists, optionally with a valid JSON body. */
  | { kind: 'wrong-method'; on: 'collection' | 'item'; method: string; pick: number; body: boolean }
  /** A path the API does not have, in any tier. */
  | { kind: 'unknown-path'; method: string; path: string };

/**
 * Methods no tier allows: /todos has GET, POST (and later HEAD, OPTIONS);
 * /todos/<id> has DELETE (and later GET, HEAD, PUT, PATCH, OPTIONS).
 */
export const WRONG_ON_COLLECTION = ['PUT', 'PATCH', 'DELETE'] as const;
export const WRONG_ON_ITEM = ['POST'] as const;

/**
 * Paths no tier has. "/" is left out (level 3's entry point), and so are
 * forms the statement leaves open, such as "/todos/01".
 */
export const UNKNOWN_PATHS = ['/nope', '/todosx', '/caf%C3%A9', '/todo', '/Todos', '/todos/1/done', '/todos/%C3%A9t%C3%A9', '/t%C3%B6d%C3%B6s'] as const;
export const UNKNOWN_PATH_METHODS = ['GET', 'POST', 'DELETE', 'PUT'] as const;

/** A request ready for TestContext.request, and a short label for messages. */
export interface ConcreteRequest {
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: string;
  chunked?: boolean;
  /** Written byte for byte, with exactly `headers` (RequestOptions.raw). */
  raw?: boolean;
  /** e.g. `POST /todos {"title":"é"}`, cut to a readable length. */
  label: string;
}

const LABEL_BODY_CHARS = 60;

function labelOf(method: string, target: string, body: string | undefined): string {
  if (body === undefined) return `${method} ${target}`;
  const shown = body.length > LABEL_BODY_CHARS ? `${body.slice(0, LABEL_BODY_CHARS)}… (${Buffer.byteLength(body)} bytes)` : body;
  return `${method} ${target} ${shown === '' ? '(empty body)' : shown}`;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** The request for a POST body (every POST declares JSON: 415 belongs to tier 2). */
export function postRequest(target: string, body: CreateBody, method = 'POST'): ConcreteRequest {
  switch (body.kind) {
    case 'json': {
      const text = JSON.stringify(body.value);
      return { method, target, headers: JSON_TYPE, body: text, label: labelOf(method, target, text) };
    }
    case 'text':
      return { method, target, headers: JSON_TYPE, body: body.text, label: labelOf(method, target, body.text) };
    case 'empty':
      return { method, target, headers: JSON_TYPE, body: '', label: `${method} ${target} (Content-Length: 0, no body)` };
    case 'no-length':
      // Raw: an HTTP client always adds Content-Length: 0 to a POST without a body.
      return { method, target, headers: JSON_TYPE, raw: true, label: `${method} ${target} (no Content-Length, no body)` };
  }
}

export function plainRequest(method: string, target: string): ConcreteRequest {
  return { method, target, label: `${method} ${target}` };
}

/** The path segment for a malformed id built from `id`. */
export function malformedSegment(form: MalformedForm, id: number): string {
  switch (form) {
    case 'letters':
      return 'abc';
    case 'suffix':
      return `${id}x`;
    case 'empty':
      return '';
    case 'slash':
      return `${id}/`;
    case 'negative':
      return `-${id}`;
    case 'decimal':
      return `${id}.0`;
    case 'exponent':
      return `${id}e0`;
    case 'hex':
      return `0x${id.toString(16)}`;
    case 'plus':
      return `+${id}`;
    case 'accent':
      // "é", percent-encoded: PATH_INFO is "/todos/<id>é".
      return `${id}%C3%A9`;
  }
}
