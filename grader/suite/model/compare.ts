/**
 * Does an answer say what the model expects? Only what the core statement
 * fixes is compared; the first difference is worded for a student, with the
 * rule it breaks.
 */
import type { Reply } from '../define.ts';
import type { Expectation, Todo } from './model.ts';
import type { ConcreteRequest } from './operations.ts';
import { RULES, type Rule } from './rules.ts';

export interface Mismatch {
  /** What the answer did, read after the request: "answered 404 Not Found where the model expects 204 No Content". */
  how: string;
  expected: string;
  actual: string;
  rule: Rule;
}

export type Verdict = { ok: true; createdId?: number } | { ok: false; mismatch: Mismatch };

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

function statusName(status: number): string {
  const reason = REASONS[status];
  return reason === undefined ? String(status) : `${status} ${reason}`;
}

function statusList(statuses: readonly number[]): string {
  return statuses.map(statusName).join(' or ');
}

/** A short JSON (or text) rendering for messages. */
export function show(value: unknown, max = 160): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}… (${Buffer.byteLength(text)} bytes)` : text;
}

function answered(reply: Reply): string {
  const body = reply.bytes.length === 0 ? 'no body' : `body ${show(reply.text)}`;
  return `status ${statusName(reply.status)}, ${body}`;
}

function nonAscii(text: string): boolean {
  return /[^\x00-\x7f]/.test(text);
}

function decodedTarget(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

function fail(how: string, expected: string, actual: string, rule: Rule): Verdict {
  return { ok: false, mismatch: { how, expected, actual, rule } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type JsonRead = { ok: true; value: unknown } | { ok: false; verdict: Verdict };

/** The body as JSON: Content-Length, Content-Type and the text must all agree. */
function readJson(reply: Reply, request: ConcreteRequest): JsonRead {
  const declared = reply.headers['content-length'];
  if (declared !== undefined && Number(declared) !== reply.bytes.length) {
    return { ok: false, verdict: fail(`with Content-Length: ${declared} and a body of ${reply.bytes.length} bytes`, `Content-Length: ${reply.bytes.length}`, `Content-Length: ${declared}`, RULES.bytes) };
  }
  const type = reply.headers['content-type'];
  if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) {
    const actual = type === undefined ? 'no Content-Type header' : `Content-Type: ${type}`;
    return { ok: false, verdict: fail(`with ${actual}`, 'Content-Type: application/json', actual, RULES.json) };
  }
  try {
    return { ok: true, value: JSON.parse(reply.text) as unknown };
  } catch {
    // A body cut short by a Content-Length counted in characters only shows with non-ASCII text.
    const involved = nonAscii(reply.text) || nonAscii(request.body ?? '') || nonAscii(decodedTarget(request.target));
    const rule = involved ? RULES.bytes : RULES.json;
    const how = `with a body that is not valid JSON (${reply.bytes.length} bytes${involved ? ', with non-ASCII text in play' : ''})`;
    return { ok: false, verdict: fail(how, 'a complete JSON body', reply.text === '' ? 'an empty body' : show(reply.text, 300), rule) };
  }
}

function statusRule(expect: Expectation): Rule {
  switch (expect.kind) {
    case 'created':
      return RULES.created;
    case 'list':
      return RULES.list;
    case 'deleted':
      return RULES.deleted;
    case 'error':
      return expect.status.includes(400) ? RULES.invalid : expect.status.includes(405) ? RULES.notAllowed : RULES.notFound;
  }
}

function expectedStatus(expect: Expectation): readonly number[] {
  switch (expect.kind) {
    case 'created':
      return [201];
    case 'list':
      return [200];
    case 'deleted':
      return [204];
    case 'error':
      return expect.status;
  }
}

function fieldsOf(value: Record<string, unknown>): unknown {
  return { id: value.id, title: value.title, done: value.done };
}

/** Is `value` a to-do as the core tier fixes it? Describes the first problem, if any. */
function todoProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `${show(value)} is not a JSON object`;
  if (typeof value.id !== 'number' || !Number.isInteger(value.id) || value.id <= 0) return `its id is ${show(value.id)}, not a positive integer`;
  if (typeof value.title !== 'string') return `its title is ${show(value.title)}, not a string`;
  if (typeof value.done !== 'boolean') return `its done is ${show(value.done)}, not true or false`;
  return undefined;
}

/** The members a to-do may have: exactly these (level 3 adds _links). */
const ITEM_MEMBERS: ReadonlySet<string> = new Set(['id', 'title', 'done', '_links']);

/** The first member a to-do must not have: one a request sent (ignored, never echoed), or any other. */
function memberMismatch(value: Record<string, unknown>, ignored: readonly string[], where: string): Verdict | undefined {
  const echoed = ignored.find((name) => Object.hasOwn(value, name));
  if (echoed !== undefined) return fail(`with the unknown member "${echoed}" of a request kept ${where}`, `no "${echoed}" member`, show(value), RULES.ignored);
  const other = Object.keys(value).find((name) => !ITEM_MEMBERS.has(name));
  if (other === undefined) return undefined;
  return fail(`with a member "${other}" ${where}: a to-do has exactly id, title and done (and _links in level 3)`, 'members id, title, done (and _links)', show(value), RULES.todo);
}

/** The id a Location value names: "/todos/7" or "http://host:port/todos/7" → 7. */
function locationId(value: string): number | undefined {
  const match = /^(?:https?:\/\/[^/?#]+)?\/todos\/([0-9]+)$/.exec(value);
  return match === null ? undefined : Number(match[1]);
}

function compareCreated(expect: Extract<Expectation, { kind: 'created' }>, reply: Reply, request: ConcreteRequest): Verdict {
  const read = readJson(reply, request);
  if (!read.ok) return read.verdict;
  const body = read.value;
  const wanted = `the new to-do {"id": <a new id>, "title": ${show(expect.title)}, "done": ${expect.done}}`;
  const problem = todoProblem(body);
  if (problem !== undefined || !isObject(body)) return fail(`with a body that is not a to-do: ${problem}`, wanted, show(body), RULES.todo);
  const id = body.id as number;
  if (expect.taken.has(id)) {
    const given = [...expect.taken].sort((a, b) => a - b).join(', ');
    return fail(`with the id ${id}, which was handed out before`, `an id other than ${given}`, `id ${id}`, RULES.ids);
  }
  if (body.title !== expect.title) {
    return fail('with a title other than the one sent', `"title": ${show(expect.title)}`, `"title": ${show(body.title)}`, RULES.todo);
  }
  if (body.done !== expect.done) {
    const sent = /"done"/.test(request.body ?? '') ? `sent "done": ${expect.done}` : 'sent no done (false by default)';
    return fail(`with "done": ${show(body.done)}, but the request ${sent}`, `"done": ${expect.done}`, `"done": ${show(body.done)}`, RULES.todo);
  }
  const members = memberMismatch(body, expect.ignored, 'in the new to-do');
  if (members !== undefined) return members;
  const location = reply.headers.location;
  if (location === undefined) return fail('without a Location header', `Location: /todos/${id}`, 'no Location header', RULES.location);
  if (locationId(location) !== id) return fail(`with Location: ${location}, which is not the new to-do's URL`, `Location: /todos/${id}`, `Location: ${location}`, RULES.location);
  return { ok: true, createdId: id };
}

function compareList(expect: Extract<Expectation, { kind: 'list' }>, reply: Reply, request: ConcreteRequest): Verdict {
  const read = readJson(reply, request);
  if (!read.ok) return read.verdict;
  const items = read.value;
  const wanted = show(expect.items, 300);
  if (!Array.isArray(items)) return fail('with a body that is not a JSON array', wanted, show(items), RULES.list);
  for (const [index, item] of items.entries()) {
    const problem = todoProblem(item);
    if (problem !== undefined) return fail(`with item ${index} not a to-do: ${problem}`, wanted, show(items, 300), RULES.todo);
  }
  const actual = (items as Array<Record<string, unknown>>).map(fieldsOf);
  const shown = show(actual, 300);
  for (let index = 0; index < Math.min(actual.length, expect.items.length); index++) {
    const want: Todo = expect.items[index]!;
    const got = actual[index] as Todo;
    if (got.id !== want.id || got.title !== want.title || got.done !== want.done) {
      return fail(`with ${show(got, 120)} at position ${index + 1}, where the model has ${show(want, 120)}`, wanted, shown, RULES.list);
    }
  }
  if (actual.length !== expect.items.length) {
    const more = actual.length > expect.items.length;
    const which = more ? `extra: ${show(actual.slice(expect.items.length), 160)}` : `missing: ${show(expect.items.slice(actual.length), 160)}`;
    return fail(`with ${actual.length} to-dos where the model has ${expect.items.length} (${which})`, wanted, shown, RULES.list);
  }
  for (const item of items as Array<Record<string, unknown>>) {
    const members = memberMismatch(item, expect.ignored, 'in a listed to-do');
    if (members !== undefined) return members;
  }
  return { ok: true };
}

function compareError(expect: Extract<Expectation, { kind: 'error' }>, reply: Reply, request: ConcreteRequest): Verdict {
  const read = readJson(reply, request);
  if (!read.ok) {
    // An error answer that is not JSON breaks the error-body rule (unless bytes explain it).
    if (read.verdict.ok || read.verdict.mismatch.rule !== RULES.json) return read.verdict;
    return { ok: false, mismatch: { ...read.verdict.mismatch, rule: RULES.errorBody } };
  }
  const body = read.value;
  if (!isObject(body) || typeof body.error !== 'string' || body.error === '') {
    return fail(`with the body ${show(body)}`, '{"error": "<a non-empty string>"}', show(body), RULES.errorBody);
  }
  if (reply.status !== 405 || expect.allow === undefined) return { ok: true };
  const { includes, excludes } = expect.allow;
  const header = reply.headers.allow;
  const wanted = `Allow listing ${includes.join(', ')} and not ${excludes}`;
  if (header === undefined) return fail('without an Allow header', wanted, 'no Allow header', RULES.notAllowed);
  const listed = header.split(',').map((method) => method.trim());
  if (!includes.every((method) => listed.includes(method)) || listed.includes(excludes)) {
    return fail(`with Allow: ${header}`, wanted, `Allow: ${header}`, RULES.notAllowed);
  }
  return { ok: true };
}

/** Compare one answer with the model's expectation. */
export function compare(expect: Expectation, reply: Reply, request: ConcreteRequest): Verdict {
  const statuses = expectedStatus(expect);
  if (!statuses.includes(reply.status)) {
    const because = expect.kind === 'error' || expect.kind === 'deleted' ? ` (${expect.because})` : '';
    const failed = reply.status >= 500 ? ' — the app failed on this request' : '';
    return fail(
      `answered ${statusName(reply.status)} where the model expects ${statusList(statuses)}${because}${failed}`,
      `status ${statusList(statuses)}`,
      answered(reply),
      statusRule(expect),
    );
  }
  const verdict = compareBody(expect, reply, request);
  if (verdict.ok) return verdict;
  // Every "how" but the status one reads after "answered".
  const how = verdict.mismatch.how.startsWith('answered') ? verdict.mismatch.how : `answered ${statusName(reply.status)} ${verdict.mismatch.how}`;
  return { ok: false, mismatch: { ...verdict.mismatch, how } };
}

function compareBody(expect: Expectation, reply: Reply, request: ConcreteRequest): Verdict {
  switch (expect.kind) {
    case 'created':
      return compareCreated(expect, reply, request);
    case 'list':
      return compareList(expect, reply, request);
    case 'deleted': {
      if (reply.bytes.length > 0) return fail(`with a body (${reply.bytes.length} bytes)`, 'no body', show(reply.text), RULES.deleted);
      const type = reply.headers['content-type'];
      return type === undefined ? { ok: true } : fail(`with Content-Type: ${type}, but a 204 has no body and so no Content-Type`, 'no Content-Type header', `Content-Type: ${type}`, RULES.deleted);
    }
    case 'error':
      return compareError(expect, reply, request);
  }
}
