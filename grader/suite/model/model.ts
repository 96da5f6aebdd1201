/**
 * The core tier of the exercise as a reference model: the statement's rules
 * (starter/README.md, "Rules for every tier" and "Core tier") in code, small
 * enough to check by reading.
 *
 * For each operation the model says which answer the statement fixes (the
 * status, the headers that matter, the body) and how the collection changes.
 * What the statement leaves free is left free: error texts, the exact ids
 * (any positive integer never handed out before), level 3's _links, more
 * methods in Allow for later tiers, and their order.
 */
import {
  malformedSegment,
  plainRequest,
  postRequest,
  type ConcreteRequest,
  type CreateBody,
  type IdRef,
  type Operation,
} from './operations.ts';

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

/** What Allow must say on a 405: these methods, and not the one just refused. */
export interface AllowRule {
  includes: readonly string[];
  excludes: string;
}

export type Expectation =
  /** 201, Location: /todos/<id>, the to-do; `taken`: ids that may not be handed out; `ignored`: members that must not appear. */
  | { kind: 'created'; title: string; done: boolean; taken: ReadonlySet<number>; ignored: readonly string[] }
  /** 200 and exactly these to-dos, in creation order. */
  | { kind: 'list'; items: readonly Todo[]; ignored: readonly string[] }
  /** 204, no body. */
  | { kind: 'deleted'; id: number; because: string }
  /** An error answer: one of these statuses, JSON {"error": string}; `because` says why, for messages. */
  | { kind: 'error'; status: readonly number[]; because: string; allow?: AllowRule };

export interface Step {
  request: ConcreteRequest;
  expect: Expectation;
}

/** The outcome of checking a POST body against the statement: the new to-do's fields, or why it is refused (400). */
export type NewTodo = { ok: true; title: string; done: boolean; unknown: string[] } | { ok: false; because: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The statement's rule for POST /todos: the body is a JSON object; title is
 * a string with a non-whitespace character, stored as sent; done is absent
 * (false) or a boolean; other members are ignored.
 */
export function checkNewTodo(text: string): NewTodo {
  if (text === '') return { ok: false, because: 'the request has no body' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, because: 'the body is not valid JSON' };
  }
  if (!isObject(value)) return { ok: false, because: 'the body is JSON but not an object' };
  if (!Object.hasOwn(value, 'title')) return { ok: false, because: 'the body has no title' };
  if (typeof value.title !== 'string') return { ok: false, because: 'the title is not a string' };
  if (value.title.trim() === '') return { ok: false, because: 'the title is empty or only whitespace' };
  if (Object.hasOwn(value, 'done') && typeof value.done !== 'boolean') return { ok: false, because: 'done is neither true nor false' };
  const unknown = Object.keys(value).filter((key) => key !== 'title' && key !== 'done' && key !== 'id');
  return { ok: true, title: value.title, done: value.done === true, unknown };
}

function bodyText(body: CreateBody): string {
  if (body.kind === 'json') return JSON.stringify(body.value);
  return body.kind === 'text' ? body.text : '';
}

/** The two resources of the core tier and the methods each must allow. */
const COLLECTION_METHODS = ['GET', 'POST'] as const;
const ITEM_METHODS = ['DELETE'] as const;

export class TodoModel {
  /** The to-dos that exist, in creation order. */
  private live: Todo[] = [];
  /** Every id handed out so far: none may come back. */
  private readonly given = new Set<number>();
  /** Ids of deleted to-dos, in the order they were deleted. */
  private readonly deleted: number[] = [];
  /** Members sent in POST bodies that the app must ignore. */
  private readonly ignored = new Set<string>();

  todos(): readonly Todo[] {
    return this.live;
  }

  /** The request an operation sends now, and the answer the statement fixes for it. */
  plan(op: Operation): Step {
    switch (op.kind) {
      case 'create':
        return this.planCreate(op.body);
      case 'list':
        return { request: plainRequest('GET', '/todos'), expect: { kind: 'list', items: [...this.live], ignored: [...this.ignored] } };
      case 'delete':
        return this.planDelete(op.id);
      case 'delete-malformed': {
        const segment = malformedSegment(op.form, this.pickLive(op.pick)?.id ?? 1);
        return {
          request: plainRequest('DELETE', `/todos/${segment}`),
          expect: { kind: 'error', status: [404], because: `"${segment}" is not an id (an id is digits only), so the path names nothing` },
        };
      }
      case 'wrong-method':
        return this.planWrongMethod(op);
      case 'unknown-path':
        return {
          request: op.method === 'POST' || op.method === 'PUT' ? postRequest(op.path, { kind: 'json', value: { title: 'Buy milk' } }, op.method) : plainRequest(op.method, op.path),
          expect: { kind: 'error', status: [404], because: `the API has no ${op.path}, whatever the method` },
        };
    }
  }

  /** Take the answer into account once it matched: a new to-do, or one less. */
  apply(expect: Expectation, createdId?: number): void {
    if (expect.kind === 'created' && createdId !== undefined) {
      this.given.add(createdId);
      this.live.push({ id: createdId, title: expect.title, done: expect.done });
    } else if (expect.kind === 'deleted') {
      this.live = this.live.filter((todo) => todo.id !== expect.id);
      this.deleted.push(expect.id);
    }
  }

  private planCreate(body: CreateBody): Step {
    const request = postRequest('/todos', body);
    const fields = checkNewTodo(bodyText(body));
    if (!fields.ok) return { request, expect: { kind: 'error', status: [400], because: `${fields.because}; nothing is created` } };
    for (const name of fields.unknown) this.ignored.add(name);
    return {
      request,
      expect: { kind: 'created', title: fields.title, done: fields.done, taken: new Set(this.given), ignored: [...this.ignored] },
    };
  }

  private planDelete(ref: IdRef): Step {
    const id = this.resolve(ref);
    const request = plainRequest('DELETE', `/todos/${id}`);
    if (this.live.some((todo) => todo.id === id)) return { request, expect: { kind: 'deleted', id, because: `the to-do ${id} exists` } };
    const because = this.given.has(id) ? `the to-do ${id} was deleted already` : `no to-do ever had the id ${id}`;
    return { request, expect: { kind: 'error', status: [404], because } };
  }

  private planWrongMethod(op: Extract<Operation, { kind: 'wrong-method' }>): Step {
    const onItem = op.on === 'item';
    // 405 depends on the path alone: POST /todos/999 is a 405 even when no to-do 999 exists.
    const target = onItem ? `/todos/${this.pickLive(op.pick)?.id ?? this.unusedId(0)}` : '/todos';
    const request = op.body ? postRequest(target, { kind: 'json', value: { title: 'Buy milk' } }, op.method) : plainRequest(op.method, target);
    const allow: AllowRule = { includes: onItem ? ITEM_METHODS : COLLECTION_METHODS, excludes: op.method };
    const because = `${op.method} is not a method of ${onItem ? '/todos/<id>' : '/todos'}; nothing changes`;
    return { request, expect: { kind: 'error', status: [405], because, allow } };
  }

  private pickLive(pick: number): Todo | undefined {
    return this.live.length === 0 ? undefined : this.live[pick % this.live.length];
  }

  private resolve(ref: IdRef): number {
    if (ref.kind === 'live') return this.pickLive(ref.pick)?.id ?? this.unusedId(0);
    if (ref.kind === 'deleted') return this.deleted.length === 0 ? this.unusedId(0) : this.deleted[ref.pick % this.deleted.length]!;
    return this.unusedId(ref.offset);
  }

  /** An id never handed out: past the largest so far, so the app may still give it later. */
  private unusedId(offset: number): number {
    return Math.max(0, ...this.given) + 1 + offset;
  }
}
