/**
 * Level 2 (starter/README.md, "Level 2"), the item resource: GET, PUT (full
 * replace) and PATCH (partial) on /todos/<id>. Every test starts on a fresh
 * app. Suite files run in name order, so these come first in the tier.
 */
import type { TestContext } from '../define.ts';
import { defineSuite } from '../define.ts';
import { createTodo, createTodos, expectError, expectTodo, fieldsOf, listTodos, type TodoJson } from './helpers.ts';

/** PUT or PATCH `json` to /todos/<id>, expecting 200 and the to-do. */
async function change(t: TestContext, method: 'PUT' | 'PATCH', id: number, json: unknown): Promise<TodoJson> {
  const reply = await t.request(method, `/todos/${id}`, { json });
  t.expectStatus(reply, 200);
  return expectTodo(t, t.expectJson(reply), `the answer to ${method} /todos/${id}`);
}

export default defineSuite('level 2, item', (s) => {
  s.group('item', () => {
    s.test(
      {
        id: 'l2.get.item',
        title: 'GET /todos/<id> answers 200 with that to-do',
        tier: '2',
        points: 1,
        rule: 'Resources: each to-do has its own URL, and GET on it returns its representation',
        hint: 'Route GET on /todos/<id> to a lookup by id, and answer 200 with the to-do as JSON.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const [, walk] = await createTodos(t, [{ title: 'Buy milk' }, { title: 'Walk the dog', done: true }]);
        const reply = await t.request('GET', `/todos/${walk!.id}`);
        t.expectStatus(reply, 200);
        const todo = expectTodo(t, t.expectJson(reply), `the answer to GET /todos/${walk!.id}`);
        t.expectEqual(fieldsOf(todo), { id: walk!.id, title: 'Walk the dog', done: true }, `the to-do GET /todos/${walk!.id} returns`);
      },
    );

    s.test(
      {
        id: 'l2.item.unknown-404',
        title: 'GET, PUT and PATCH on /todos/<id> with an id no to-do has answer 404 (PUT creates nothing)',
        tier: '2',
        points: 1,
        rule: 'Status codes: 404 Not Found for a resource that does not exist; PUT here never creates',
        hint: 'Look the id up first, for every method on /todos/<id>; when nothing has it, answer 404 with {"error": "..."}.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const missing = `/todos/${todo.id + 1000}`;
        expectError(t, await t.request('GET', missing), 404);
        expectError(t, await t.request('PUT', missing, { json: { title: 'Walk the dog', done: false } }), 404);
        expectError(t, await t.request('PATCH', missing, { json: { done: true } }), 404);
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(todo)], 'GET /todos after PUT and PATCH on an id no to-do has');
      },
    );

    s.test(
      {
        id: 'l2.put.replaces',
        title: 'PUT /todos/<id> replaces title and done, answers 200 with the to-do, and keeps its place',
        tier: '2',
        points: 2,
        rule: 'PUT: replace the whole resource at this URL',
        hint: 'Validate title and done like POST does (both required), store them under the same id, answer 200 with the to-do.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const [milk, dog] = await createTodos(t, [{ title: 'Buy milk' }, { title: 'Walk the dog' }]);
        const updated = await change(t, 'PUT', milk!.id, { title: 'Buy oat milk', done: true });
        const expected = { id: milk!.id, title: 'Buy oat milk', done: true };
        t.expectEqual(fieldsOf(updated), expected, `the answer to PUT /todos/${milk!.id}`);
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [expected, fieldsOf(dog!)], 'GET /todos after the PUT (creation order stays)');
      },
    );

    s.test(
      {
        id: 'l2.put.requires-all-fields',
        title: 'PUT /todos/<id> without title or without done answers 400 and changes nothing',
        tier: '2',
        points: 1,
        rule: 'PUT: a full replacement — a partial body is a bad request (that is what PATCH is for)',
        hint: 'For PUT, title and done are both required; check them like POST does before storing anything.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        expectError(t, await t.request('PUT', `/todos/${todo.id}`, { json: { title: 'Buy oat milk' } }), 400);
        expectError(t, await t.request('PUT', `/todos/${todo.id}`, { json: { done: true } }), 400);
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(todo)], 'GET /todos after two rejected PUTs');
      },
    );

    s.test(
      {
        id: 'l2.put.idempotent',
        title: 'The same PUT twice gives the same answer and the same state',
        tier: '2',
        points: 1,
        rule: 'Idempotency: repeating a PUT has the same effect as sending it once',
        hint: 'PUT stores exactly what was sent under the existing id: no counters, no appending, no new id.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const body = { title: 'Buy oat milk', done: true };
        const first = await change(t, 'PUT', todo.id, body);
        const second = await change(t, 'PUT', todo.id, body);
        t.expectEqual(second, first, 'the answer to the second, identical PUT');
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(first)], 'GET /todos after the same PUT twice');
      },
    );

    s.test(
      {
        id: 'l2.patch.partial',
        title: 'PATCH /todos/<id> changes only the fields sent and answers 200 with the to-do',
        tier: '2',
        points: 2,
        rule: 'PATCH: a partial update of the resource',
        hint: 'Start from the stored to-do and overwrite only the fields present in the body (title and/or done).',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const done = await change(t, 'PATCH', todo.id, { done: true });
        t.expectEqual(fieldsOf(done), { id: todo.id, title: 'Buy milk', done: true }, 'the answer to PATCH {"done": true}');
        const renamed = await change(t, 'PATCH', todo.id, { title: 'Buy oat milk' });
        t.expectEqual(fieldsOf(renamed), { id: todo.id, title: 'Buy oat milk', done: true }, 'the answer to PATCH {"title": "Buy oat milk"}');
      },
    );

    s.test(
      {
        id: 'l2.patch.invalid-400',
        title: 'PATCH with an invalid field, or with neither title nor done, answers 400 and changes nothing',
        tier: '2',
        points: 1,
        rule: 'Validation first: a rejected request changes nothing, not even the valid part',
        hint: 'Check every field present (title like POST, done a boolean) and that at least one is there, before changing anything.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        for (const json of [{ title: '' }, { done: 'yes' }, {}, { title: 'Buy oat milk', done: 'yes' }]) {
          const reply = await t.request('PATCH', `/todos/${todo.id}`, { json });
          expectError(t, reply, 400, { why: `PATCH ${JSON.stringify(json)} is not a valid change.` });
        }
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(todo)], 'GET /todos after four rejected PATCHes');
      },
    );
  });
});
