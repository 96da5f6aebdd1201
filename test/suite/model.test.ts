/**
 * The model of the core statement, its comparison of answers, and the
 * shrinking of failing sequences — without HTTP.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../grader/suite/define.ts';
import { operationArbitrary } from '../../grader/suite/model/arbitraries.ts';
import { compare, type Verdict } from '../../grader/suite/model/compare.ts';
import { checkNewTodo, TodoModel, type Expectation, type Step } from '../../grader/suite/model/model.ts';
import { MALFORMED_FORMS, malformedSegment, type ConcreteRequest, type Operation } from '../../grader/suite/model/operations.ts';
import { RULES } from '../../grader/suite/model/rules.ts';
import type { SequenceFailure } from '../../grader/suite/model/run-sequence.ts';
import { plainerOperations, shrinkSequence } from '../../grader/suite/model/shrink.ts';

const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];

/** A reply as the runtime builds it, from a status, headers and a body. */
function reply(status: number, headers: Array<[string, string]>, body: string | Uint8Array = ''): Reply {
  const bytes = typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body;
  const joined: Record<string, string> = {};
  for (const [name, value] of headers) joined[name.toLowerCase()] = value;
  return { status, headers: joined, rawHeaders: headers, bytes, text: Buffer.from(bytes).toString('utf8') };
}

function jsonReply(status: number, value: unknown, headers: Array<[string, string]> = []): Reply {
  return reply(status, [JSON_TYPE, ...headers], JSON.stringify(value));
}

const create = (value: unknown): Operation => ({ kind: 'create', body: { kind: 'json', value } });
const live = (pick: number): Operation => ({ kind: 'delete', id: { kind: 'live', pick } });

/** Plan `op`, then answer it the way a correct app with these ids would. */
function planAndApply(model: TodoModel, op: Operation, createdId?: number): Step {
  const step = model.plan(op);
  model.apply(step.expect, createdId);
  return step;
}

function mismatchOf(verdict: Verdict): NonNullable<Extract<Verdict, { ok: false }>['mismatch']> {
  if (verdict.ok) throw new Error('expected a mismatch');
  return verdict.mismatch;
}

describe('checkNewTodo: the statement’s rule for POST bodies', () => {
  it.each([
    ['{"title": "Buy milk"}', { ok: true, title: 'Buy milk', done: false }],
    ['{"title": " a ", "done": true}', { ok: true, title: ' a ', done: true }],
    ['{"title": "x", "done": false, "id": 9, "color": "red"}', { ok: true, title: 'x', done: false }],
  ])('%s is a new to-do', (text, expected) => {
    expect(checkNewTodo(text)).toMatchObject(expected);
  });

  it.each([
    ['', 'no body'],
    ['{"title": "Buy milk"', 'not valid JSON'],
    ['["Buy milk"]', 'not an object'],
    ['null', 'not an object'],
    ['42', 'not an object'],
    ['{"done": false}', 'no title'],
    ['{"title": 42}', 'not a string'],
    ['{"title": null}', 'not a string'],
    ['{"title": ""}', 'empty'],
    ['{"title": " \\t\\n"}', 'empty'],
    ['{"title": "x", "done": "true"}', 'neither true nor false'],
    ['{"title": "x", "done": null}', 'neither true nor false'],
    ['{"title": "x", "done": 1}', 'neither true nor false'],
  ])('%s is refused', (text, because) => {
    const result = checkNewTodo(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.because).toContain(because);
  });

  it('lists the members the app must ignore, but not id', () => {
    expect(checkNewTodo('{"title": "x", "id": 1, "color": "red"}')).toMatchObject({ unknown: ['color'] });
  });
});

describe('TodoModel', () => {
  it('expects 201 for a valid POST, and lists the to-do with the id the app chose', () => {
    const model = new TodoModel();
    const step = planAndApply(model, create({ title: 'Buy milk', done: true, color: 'red' }), 41);
    expect(step.request).toMatchObject({ method: 'POST', target: '/todos', body: '{"title":"Buy milk","done":true,"color":"red"}' });
    expect(step.expect).toMatchObject({ kind: 'created', title: 'Buy milk', done: true, ignored: ['color'] });
    expect(model.plan({ kind: 'list' }).expect).toEqual({ kind: 'list', items: [{ id: 41, title: 'Buy milk', done: true }], ignored: ['color'] });
  });

  it('expects 400 for an invalid POST, and nothing changes', () => {
    const model = new TodoModel();
    const step = planAndApply(model, create({ title: '   ' }));
    expect(step.expect).toMatchObject({ kind: 'error', status: [400] });
    expect(model.todos()).toEqual([]);
    expect(model.plan({ kind: 'create', body: { kind: 'empty' } }).expect).toMatchObject({ kind: 'error', status: [400] });
    // No Content-Length at all: written raw, without a body (an HTTP client would add Content-Length: 0).
    const noLength = model.plan({ kind: 'create', body: { kind: 'no-length' } }).request;
    expect(noLength).toMatchObject({ raw: true });
    expect(noLength.body).toBeUndefined();
  });

  it('resolves ids against the state: live, deleted, never handed out', () => {
    const model = new TodoModel();
    planAndApply(model, create({ title: 'a' }), 5);
    planAndApply(model, create({ title: 'b' }), 6);
    planAndApply(model, create({ title: 'c' }), 9);
    const first = planAndApply(model, live(4)); // 4 mod 3 = the second live to-do
    expect(first.request.target).toBe('/todos/6');
    expect(first.expect).toMatchObject({ kind: 'deleted', id: 6 });
    expect(model.todos().map((todo) => todo.id)).toEqual([5, 9]);

    expect(model.plan({ kind: 'delete', id: { kind: 'deleted', pick: 3 } })).toMatchObject({
      request: { target: '/todos/6' },
      expect: { kind: 'error', status: [404], because: 'the to-do 6 was deleted already' },
    });
    expect(model.plan({ kind: 'delete', id: { kind: 'unused', offset: 99 } })).toMatchObject({
      request: { target: '/todos/109' },
      expect: { kind: 'error', status: [404] },
    });
  });

  it('falls back to an unused id when no to-do exists or none was deleted', () => {
    const model = new TodoModel();
    expect(model.plan(live(0)).request.target).toBe('/todos/1');
    expect(model.plan({ kind: 'delete', id: { kind: 'deleted', pick: 0 } }).expect).toMatchObject({ kind: 'error', status: [404] });
  });

  it('expects 405 with Allow for methods no tier allows, on the path alone', () => {
    const model = new TodoModel();
    expect(model.plan({ kind: 'wrong-method', on: 'item', method: 'POST', pick: 0, body: true })).toMatchObject({
      request: { method: 'POST', target: '/todos/1', headers: { 'Content-Type': 'application/json' } },
      expect: { kind: 'error', status: [405], allow: { includes: ['DELETE'], excludes: 'POST' } },
    });
    expect(model.plan({ kind: 'wrong-method', on: 'collection', method: 'PATCH', pick: 0, body: false })).toMatchObject({
      request: { method: 'PATCH', target: '/todos', label: 'PATCH /todos' },
      expect: { kind: 'error', status: [405], allow: { includes: ['GET', 'POST'], excludes: 'PATCH' } },
    });
  });

  it('expects 404 for paths that are not paths of the API', () => {
    const model = new TodoModel();
    planAndApply(model, create({ title: 'a' }), 7);
    const segments = MALFORMED_FORMS.map((form) => malformedSegment(form, 7));
    expect(segments).toEqual(['abc', '7x', '', '7/', '-7', '7.0', '7e0', '0x7', '+7', '7%C3%A9']);
    for (const form of MALFORMED_FORMS) {
      expect(model.plan({ kind: 'delete-malformed', pick: 0, form }).expect).toMatchObject({ kind: 'error', status: [404] });
    }
    expect(model.plan({ kind: 'unknown-path', method: 'POST', path: '/todosx' })).toMatchObject({
      request: { method: 'POST', target: '/todosx' },
      expect: { kind: 'error', status: [404] },
    });
  });
});

describe('compare', () => {
  const post: ConcreteRequest = { method: 'POST', target: '/todos', body: '{"title":"é"}', label: 'POST /todos {"title":"é"}' };
  const created: Expectation = { kind: 'created', title: 'é', done: false, taken: new Set([1, 2]), ignored: ['color'] };
  const todo = { id: 3, title: 'é', done: false };

  it('accepts a created to-do with level 3 links and an absolute Location', () => {
    const links = { self: { href: '/todos/3' }, collection: { href: '/todos' } };
    expect(compare(created, jsonReply(201, { ...todo, _links: links }, [['Location', 'http://127.0.0.1:8000/todos/3']]), post)).toEqual({ ok: true, createdId: 3 });
  });

  it('names the rule of the first difference', () => {
    const location: Array<[string, string]> = [['Location', '/todos/3']];
    const cases: Array<[Reply, string, (typeof RULES)[keyof typeof RULES]]> = [
      [jsonReply(200, todo, location), 'answered 200 OK where the model expects 201 Created', RULES.created],
      [jsonReply(201, { ...todo, id: 2 }, location), 'with the id 2, which was handed out before', RULES.ids],
      [jsonReply(201, { ...todo, id: 0 }, location), 'its id is 0, not a positive integer', RULES.todo],
      [jsonReply(201, { ...todo, title: 'Ã©' }, location), 'with a title other than the one sent', RULES.todo],
      [jsonReply(201, { ...todo, done: true }, location), '"done": true, but the request sent no done', RULES.todo],
      [jsonReply(201, { ...todo, color: 'red' }, location), 'the unknown member "color"', RULES.ignored],
      [jsonReply(201, { ...todo, createdAt: 'now' }, location), 'a member "createdAt"', RULES.todo],
      [jsonReply(201, todo), 'without a Location header', RULES.location],
      [jsonReply(201, todo, [['Location', '/todos/4']]), 'with Location: /todos/4', RULES.location],
      [reply(201, [['Content-Type', 'text/plain'], ...location], JSON.stringify(todo)), 'with Content-Type: text/plain', RULES.json],
    ];
    for (const [answer, how, rule] of cases) {
      const mismatch = mismatchOf(compare(created, answer, post));
      expect(mismatch.how).toContain(how);
      expect(mismatch.rule).toBe(rule);
    }
  });

  it('blames the byte count for a body cut short around non-ASCII text, and JSON otherwise', () => {
    const whole = Buffer.from(JSON.stringify(todo), 'utf8');
    const cut = reply(201, [JSON_TYPE, ['Content-Length', String(whole.length - 1)], ['Location', '/todos/3']], whole.subarray(0, whole.length - 1));
    const bytes = mismatchOf(compare(created, cut, post));
    expect(bytes.rule).toBe(RULES.bytes);
    expect(bytes.how).toContain('not valid JSON');

    const list: ConcreteRequest = { method: 'GET', target: '/todos', label: 'GET /todos' };
    expect(mismatchOf(compare({ kind: 'list', items: [], ignored: [] }, reply(200, [JSON_TYPE], '[{'), list)).rule).toBe(RULES.json);
    const lying = reply(200, [JSON_TYPE, ['Content-Length', '5']], '[]');
    expect(mismatchOf(compare({ kind: 'list', items: [], ignored: [] }, lying, list)).rule).toBe(RULES.bytes);
  });

  it('compares the collection item by item, in creation order', () => {
    const list: ConcreteRequest = { method: 'GET', target: '/todos', label: 'GET /todos' };
    const items = [
      { id: 1, title: 'a', done: false },
      { id: 2, title: 'b', done: true },
    ];
    const expected: Expectation = { kind: 'list', items, ignored: [] };
    expect(compare(expected, jsonReply(200, items.map((item) => ({ ...item, _links: {} }))), list)).toEqual({ ok: true });
    expect(mismatchOf(compare(expected, jsonReply(200, [items[1], items[0]]), list)).how).toContain('at position 1');
    expect(mismatchOf(compare(expected, jsonReply(200, [...items, { id: 3, title: 'c', done: false }]), list)).how).toContain('3 to-dos where the model has 2');
    expect(mismatchOf(compare(expected, jsonReply(200, {}), list)).how).toContain('not a JSON array');
  });

  it('checks error answers: status, JSON {"error": string}, and Allow on a 405', () => {
    const request: ConcreteRequest = { method: 'DELETE', target: '/todos', label: 'DELETE /todos' };
    const notAllowed: Expectation = { kind: 'error', status: [405], because: 'DELETE is not a method of /todos', allow: { includes: ['GET', 'POST'], excludes: 'DELETE' } };
    const error = { error: 'no' };
    expect(compare(notAllowed, jsonReply(405, error, [['Allow', 'GET, HEAD, POST, OPTIONS']]), request)).toEqual({ ok: true });
    expect(compare(notAllowed, jsonReply(405, error, [['Allow', 'GET,POST']]), request)).toEqual({ ok: true });
    const cases: Array<[Reply, (typeof RULES)[keyof typeof RULES]]> = [
      [jsonReply(404, error, [['Allow', 'GET, POST']]), RULES.notAllowed],
      [jsonReply(405, error), RULES.notAllowed],
      [jsonReply(405, error, [['Allow', 'GET']]), RULES.notAllowed],
      [jsonReply(405, error, [['Allow', 'GET, POST, DELETE']]), RULES.notAllowed],
      [jsonReply(405, { message: 'no' }, [['Allow', 'GET, POST']]), RULES.errorBody],
      [jsonReply(405, { error: '' }, [['Allow', 'GET, POST']]), RULES.errorBody],
      [reply(405, [['Content-Type', 'text/plain'], ['Allow', 'GET, POST']], 'no'), RULES.errorBody],
      [reply(405, [JSON_TYPE, ['Allow', 'GET, POST']], 'Method Not Allowed'), RULES.errorBody],
    ];
    for (const [answer, rule] of cases) expect(mismatchOf(compare(notAllowed, answer, request)).rule).toBe(rule);
  });

  it('expects 204 without a body or Content-Type for a DELETE', () => {
    const request: ConcreteRequest = { method: 'DELETE', target: '/todos/3', label: 'DELETE /todos/3' };
    const deleted: Expectation = { kind: 'deleted', id: 3, because: 'the to-do 3 exists' };
    expect(compare(deleted, reply(204, []), request)).toEqual({ ok: true });
    expect(mismatchOf(compare(deleted, reply(204, [JSON_TYPE]), request)).how).toContain('Content-Type');
    const missed = mismatchOf(compare(deleted, jsonReply(404, { error: 'no' }), request));
    expect(missed.how).toBe('answered 404 Not Found where the model expects 204 No Content (the to-do 3 exists)');
    expect(missed.rule).toBe(RULES.deleted);
  });
});

describe('shrinkSequence', () => {
  /** A fake app with one bug: it fails at the first step that `bad` accepts, given the steps before. */
  function oracle(bad: (ops: readonly Operation[], index: number) => boolean): (ops: readonly Operation[]) => Promise<SequenceFailure | undefined> {
    return async (ops) => {
      const index = ops.findIndex((_, i) => bad(ops, i));
      if (index === -1) return undefined;
      return { step: index + 1, request: { method: 'X', target: '/', label: 'X /' }, mismatch: { how: 'differs', expected: '', actual: '', rule: RULES.list } };
    };
  }
  const titleOf = (op: Operation | undefined): unknown => (op?.kind === 'create' && op.body.kind === 'json' ? (op.body.value as { title?: unknown }).title : undefined);

  it('keeps only the steps that matter, each as plain as it can be', async () => {
    // The bug: a delete of the first to-do after at least two creates.
    const bad = oracle((ops, i) => {
      const op = ops[i]!;
      const creates = ops.slice(0, i).filter((o) => o.kind === 'create').length;
      return op.kind === 'delete' && op.id.kind === 'live' && op.id.pick % 2 === 0 && creates >= 2;
    });
    const noisy: Operation[] = [
      { kind: 'list' },
      create({ title: 'Walk the dog', done: true, color: 'red' }),
      { kind: 'unknown-path', method: 'PUT', path: '/Todos' },
      create({ title: 'é 🎉 "quoted"' }),
      { kind: 'list' },
      live(4),
      create({ title: 'after' }),
      live(0),
    ];
    const first = await bad(noisy);
    const shrunk = await shrinkSequence(noisy, first!, bad);
    expect(shrunk.ops).toEqual([create({ title: 'x' }), create({ title: 'x' }), live(0)]);
    expect(shrunk.failure.step).toBe(3);
  });

  it('shrinks a title to the character that matters', async () => {
    const bad = oracle((ops, i) => String(titleOf(ops[i])).includes('é'));
    const long = create({ title: `${'ab'.repeat(700)}é${'🎉'.repeat(700)}`, done: false });
    const shrunk = await shrinkSequence([long], (await bad([long]))!, bad);
    expect(shrunk.ops).toEqual([create({ title: 'é' })]);
  });

  it('stops when the attempts stop failing (the budget is spent) and keeps the best so far', async () => {
    const bad = oracle((ops, i) => titleOf(ops[i]) !== undefined && i >= 2);
    let left = 3;
    const limited = async (ops: readonly Operation[]): Promise<SequenceFailure | undefined> => (left-- > 0 ? bad(ops) : undefined);
    const ops = [create({ title: 'a' }), create({ title: 'b' }), { kind: 'list' } as Operation, create({ title: 'c' })];
    const shrunk = await shrinkSequence(ops, (await bad(ops))!, limited);
    expect(shrunk.ops.length).toBeLessThanOrEqual(ops.length);
    expect((await bad(shrunk.ops))?.step).toBe(shrunk.failure.step);
  });

  it('offers only plainer steps, never going round in circles, so shrinking always ends', () => {
    fc.assert(
      fc.property(operationArbitrary, fc.array(fc.nat(), { minLength: 100, maxLength: 100 }), (op, choices) => {
        // Walk down by arbitrary choices: every path must end, and never meet a step twice.
        const seen = new Set<string>();
        let current = op;
        for (const choice of choices) {
          const key = JSON.stringify(current);
          expect(seen.has(key), `a cycle through ${key}`).toBe(false);
          seen.add(key);
          const plainer = plainerOperations(current);
          if (plainer.length === 0) return;
          current = plainer[choice % plainer.length]!;
        }
        throw new Error(`no end to plainer versions of ${JSON.stringify(op)}`);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
