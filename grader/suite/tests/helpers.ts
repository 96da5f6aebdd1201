/**
 * Helpers the public suites share: the requests many tests start with
 * (create, list) and checks of the shapes the exercise statement fixes
 * (a to-do, an error body, Allow, Link).
 *
 * Setup steps are lenient on purpose. createTodo() accepts 200 as well as
 * 201 and ignores Location; deleteTodo() accepts any 2xx. So an app with
 * one bug fails the one test about that rule, not every test that happens
 * to create or delete something on the way.
 */
import type { Detail, Reply, TestContext } from '../define.ts';

/** A to-do as the core tier fixes it. Other members (like level 3's _links) are allowed. */
export interface TodoJson {
  id: number;
  title: string;
  done: boolean;
  [member: string]: unknown;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a short excerpt for a failure message. */
export function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The three fields the core tier fixes, to compare to-dos whatever else they carry. */
export function fieldsOf(todo: TodoJson): { id: number; title: string; done: boolean } {
  return { id: todo.id, title: todo.title, done: todo.done };
}

const ITEM_SHAPE: Detail = {
  why: 'Every to-do is a JSON object {"id": number, "title": string, "done": boolean}; the id is a positive integer.',
  hint: 'Build the answer from the stored to-do: {"id": todo.id, "title": todo.title, "done": todo.done}.',
};

/** Check that `value` is a to-do: an object with a positive integer id, a string title and a boolean done. */
export function expectTodo(t: TestContext, value: unknown, what: string): TodoJson {
  const ok =
    isObject(value) &&
    typeof value.id === 'number' &&
    Number.isInteger(value.id) &&
    value.id > 0 &&
    typeof value.title === 'string' &&
    typeof value.done === 'boolean';
  t.expectTrue(ok, {
    message: `${what} is not a to-do`,
    expected: '{"id": <positive integer>, "title": <string>, "done": <boolean>}',
    actual: excerpt(value),
    ...ITEM_SHAPE,
  });
  return value as TodoJson;
}

const CREATE_SETUP: Detail = {
  why: 'This test creates its to-dos with POST /todos first, so creating a to-do has to work before this rule can be checked.',
  hint: 'Make the core tests core.create.* pass first.',
};

/** POST /todos with a valid to-do; 200 or 201 are both accepted here (core.create.status-201 checks 201). */
export async function createTodo(t: TestContext, fields: { title: string; done?: boolean }): Promise<TodoJson> {
  const reply = await t.request('POST', '/todos', { json: fields });
  t.expectStatus(reply, [200, 201], CREATE_SETUP);
  return expectTodo(t, t.expectJson(reply, CREATE_SETUP), 'the answer to POST /todos');
}

/** Create to-dos one after the other, in this order. */
export async function createTodos(t: TestContext, all: ReadonlyArray<{ title: string; done?: boolean }>): Promise<TodoJson[]> {
  const created: TodoJson[] = [];
  for (const fields of all) created.push(await createTodo(t, fields));
  return created;
}

const LIST_SETUP: Detail = {
  why: 'GET /todos answers 200 with a JSON array of to-dos; this test reads the collection to see what changed.',
  hint: 'Make the core tests core.list.* pass first.',
};

/** GET `target` (the collection, maybe with a query): 200 and an array of to-dos. */
export async function listTodos(t: TestContext, target = '/todos'): Promise<TodoJson[]> {
  const reply = await t.request('GET', target);
  t.expectStatus(reply, 200, LIST_SETUP);
  return expectTodoArray(t, reply, `the answer to GET ${target}`, LIST_SETUP);
}

/** The reply's body as an array of to-dos. */
export function expectTodoArray(t: TestContext, reply: Reply, what: string, detail?: Detail): TodoJson[] {
  const body = t.expectJson(reply, detail);
  t.expectTrue(Array.isArray(body), {
    message: `${what} is not a JSON array`,
    expected: 'a JSON array of to-dos, e.g. [{"id": 1, "title": "Buy milk", "done": false}]',
    actual: excerpt(body),
    ...detail,
  });
  return body.map((item, index) => expectTodo(t, item, `item ${index} of ${what}`));
}

/** DELETE /todos/<id> as a setup step: any 2xx is accepted (core.delete.status-204 checks 204). */
export async function deleteTodo(t: TestContext, id: number): Promise<void> {
  const reply = await t.request('DELETE', `/todos/${id}`);
  t.expectStatus(reply, [200, 202, 204], {
    why: 'This test deletes a to-do on the way, so DELETE /todos/<id> has to work before this rule can be checked.',
    hint: 'Make the core tests core.delete.* pass first.',
  });
}

/** An error answer: the status, Content-Type application/json and the body {"error": "<what is wrong>"}. */
export function expectError(t: TestContext, reply: Reply, status: number, detail?: Detail): void {
  t.expectStatus(reply, status, detail);
  const body = t.expectJson(reply, {
    why: 'Every error answer is JSON {"error": "<what is wrong>"} with Content-Type: application/json.',
    hint: 'Answer errors through one helper that sends {"error": message} as JSON, whatever the status.',
  });
  t.expectTrue(isObject(body) && typeof body.error === 'string' && body.error.length > 0, {
    message: `the ${status} answer's body is not {"error": "<what is wrong>"}`,
    expected: '{"error": "<a non-empty string>"}',
    actual: excerpt(body),
    why: 'Every error answer is JSON {"error": "<what is wrong>"}, so a client can always show what went wrong.',
    hint: 'Answer errors through one helper that sends {"error": message} as JSON, whatever the status.',
  });
}

/** The methods an Allow header lists: comma-separated, whitespace around each ignored. */
export function allowedMethods(t: TestContext, reply: Reply, detail?: Detail): string[] {
  const value = t.expectHeader(reply, 'Allow', undefined, detail);
  return value
    .split(',')
    .map((method) => method.trim())
    .filter((method) => method !== '');
}

/** An empty body, as 204, 304 and every HEAD answer have. */
export function expectNoBody(t: TestContext, reply: Reply, what: string, detail?: Detail): void {
  t.expectTrue(reply.bytes.length === 0, {
    message: `${what} has a body`,
    expected: 'no body (0 bytes)',
    actual: `${reply.bytes.length} bytes: ${excerpt(reply.text)}`,
    ...detail,
  });
}

/** The id a Location value names: "/todos/7" or "http://host:port/todos/7" → 7. */
export function locationId(value: string): number | undefined {
  const match = /^(?:https?:\/\/[^/?#]+)?\/todos\/([0-9]+)$/.exec(value);
  return match === null ? undefined : Number(match[1]);
}

/**
 * The links of a Link header (RFC 8288) by relation. Each link-value must
 * have exactly the form <URL>; rel="next"; several are separated by ", ",
 * in one header or in several (joined with ", ").
 */
export function pageLinks(t: TestContext, value: string, detail?: Detail): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of value.split(/,\s*(?=<)/)) {
    const match = /^<([^>]*)>; rel="([a-z]+)"$/.exec(part.trim());
    t.expectTrue(match !== null, {
      message: `the Link header has a part that is not <URL>; rel="..."`,
      expected: '<URL>; rel="next" or <URL>; rel="prev", separated by ", "',
      actual: part,
      ...detail,
    });
    links[match[2]!] = match[1]!;
  }
  return links;
}

/** The media type of a Content-Type value, lower-cased, without parameters: "application/json; charset=utf-8" → "application/json". */
export function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}
