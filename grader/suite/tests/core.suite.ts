/**
 * The core tier: the exercise itself (starter/README.md, "Core").
 * GET and POST on /todos, DELETE on /todos/<id>, 404/405 with JSON
 * errors (request validation is in core.validation.suite.ts). Every test starts on a fresh app and creates what it needs.
 */
import type { TestContext } from '../define.ts';
import { defineSuite } from '../define.ts';
import {
  allowedMethods,
  createTodo,
  createTodos,
  deleteTodo,
  excerpt,
  expectError,
  expectNoBody,
  expectTodo,
  fieldsOf,
  listTodos,
  locationId,
} from './helpers.ts';


export default defineSuite('core', (s) => {
  s.group('collection', () => {
    s.test(
      {
        id: 'core.list.empty-array',
        title: 'GET /todos on a new app answers 200 with an empty JSON array',
        tier: 'core',
        points: 2,
        rule: 'Resources: GET on the collection returns its representation (200, Content-Type: application/json)',
        hint: 'Route REQUEST_METHOD "GET" with PATH_INFO "/todos": startResponse("200 OK", [["Content-Type", "application/json"], ...]) and return [Buffer.from("[]")].',
        richardson: 1,
      },
      async (t: TestContext) => {
        const reply = await t.request('GET', '/todos');
        t.expectStatus(reply, 200);
        t.expectEqual(t.expectJson(reply), [], 'the body of GET /todos on a new app');
      },
    );

    s.test(
      {
        id: 'core.list.creation-order',
        title: 'GET /todos lists every to-do, with id, title and done, in creation order',
        tier: 'core',
        points: 3,
        rule: 'Resources: the collection lists its items, in creation order',
        hint: 'Keep the to-dos in an array or a Map (both keep insertion order) and serialize each as {"id", "title", "done"}.',
        richardson: 1,
      },
      async (t: TestContext) => {
        const [a, b, c] = await createTodos(t, [
          { title: 'Buy milk' },
          { title: 'Walk the dog', done: true },
          { title: 'Write the report' },
        ]);
        const list = await listTodos(t);
        t.expectEqual(
          list.map(fieldsOf),
          [
            { id: a!.id, title: 'Buy milk', done: false },
            { id: b!.id, title: 'Walk the dog', done: true },
            { id: c!.id, title: 'Write the report', done: false },
          ],
          'the to-dos GET /todos lists after three POSTs',
        );
      },
    );

    s.test(
      {
        id: 'core.create.status-201',
        title: 'POST /todos answers 201 Created',
        tier: 'core',
        points: 3,
        rule: 'Status codes: 201 Created for a new resource (not 200 OK)',
        hint: 'In your POST /todos branch, pass "201 Created" to startResponse.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const reply = await t.request('POST', '/todos', { json: { title: 'Buy milk' } });
        t.expectStatus(reply, 201);
      },
    );

    s.test(
      {
        id: 'core.create.location',
        title: 'POST /todos answers with Location: /todos/<id> of the new to-do',
        tier: 'core',
        points: 3,
        rule: 'Location: a 201 answer says where the new resource lives',
        hint: 'Add ["Location", `/todos/${todo.id}`] to the headers of the POST /todos answer.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const reply = await t.request('POST', '/todos', { json: { title: 'Buy milk' } });
        t.expectStatus(reply, [200, 201]);
        const todo = expectTodo(t, t.expectJson(reply), 'the answer to POST /todos');
        t.expectHeader(reply, 'Location', (value) => locationId(value) === todo.id, {
          why: `Location names the new to-do: /todos/${todo.id}, the id from the answer's body.`,
        });
      },
    );

    s.test(
      {
        id: 'core.create.body',
        title: 'POST /todos answers with the created to-do; done defaults to false',
        tier: 'core',
        points: 2,
        rule: 'Resources: a POST answers with the representation of what it created',
        hint: 'Answer with the stored to-do as JSON: {"id": <new id>, "title": <as sent>, "done": false when the request has no done}.',
        richardson: 1,
      },
      async (t: TestContext) => {
        const reply = await t.request('POST', '/todos', { json: { title: 'Buy milk' } });
        t.expectStatus(reply, [200, 201]);
        const todo = expectTodo(t, t.expectJson(reply), 'the answer to POST /todos');
        t.expectEqual(fieldsOf(todo), { id: todo.id, title: 'Buy milk', done: false }, 'the created to-do');
      },
    );

    s.test(
      {
        id: 'core.create.done-true',
        title: 'POST /todos keeps "done": true when the request sends it',
        tier: 'core',
        points: 1,
        rule: 'Resources: the server stores what the client sent',
        hint: 'Take done from the request body when it is there (true or false); only its absence means false.',
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Walk the dog', done: true });
        t.expectEqual(fieldsOf(todo), { id: todo.id, title: 'Walk the dog', done: true }, 'the created to-do');
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(todo)], 'the to-dos GET /todos lists');
      },
    );

    s.test(
      {
        id: 'core.create.title-verbatim',
        title: 'A title is stored exactly as sent, spaces included',
        tier: 'core',
        points: 1,
        rule: 'Resources: the server stores what the client sent (no trimming)',
        hint: 'Use .trim() only to decide whether a title is empty; store the original string.',
      },
      async (t: TestContext) => {
        const title = '  Buy  milk  ';
        const todo = await createTodo(t, { title });
        t.expectEqual(todo.title, title, 'the title in the answer to POST /todos');
        const list = await listTodos(t);
        t.expectEqual(list.map((item) => item.title), [title], 'the titles GET /todos lists');
      },
    );

    s.test(
      {
        id: 'core.create.unicode-title',
        title: 'A title with accents and emoji round-trips, with a byte-correct Content-Length',
        tier: 'core',
        points: 3,
        rule: 'Bytes, not characters: Content-Length counts the bytes of the UTF-8 body',
        hint: 'Encode once with Buffer.from(text, "utf8") and send String(body.byteLength) as Content-Length — text.length counts characters, and "é" is 2 bytes, an emoji 4.',
      },
      async (t: TestContext) => {
        const title = 'Crème brûlée für 5 € ☕ 🎉';
        const reply = await t.request('POST', '/todos', { json: { title } });
        t.expectStatus(reply, [200, 201]);
        const length = reply.headers['content-length'];
        t.expectTrue(length === undefined || Number(length) === reply.bytes.length, {
          message: 'Content-Length does not match the number of bytes in the body',
          expected: `Content-Length: ${reply.bytes.length}`,
          actual: `Content-Length: ${length}`,
        });
        const todo = expectTodo(t, t.expectJson(reply), 'the answer to POST /todos');
        t.expectEqual(todo.title, title, 'the title in the answer to POST /todos');
        const list = await listTodos(t);
        t.expectEqual(list.map((item) => item.title), [title], 'the titles GET /todos lists');
      },
    );

    s.test(
      {
        id: 'core.create.ignores-unknown-fields',
        title: 'POST /todos ignores fields other than title and done, including id',
        tier: 'core',
        points: 2,
        rule: 'Resources: the server assigns the id; unknown fields are ignored',
        hint: 'Build the new to-do from body.title and body.done only, never by spreading the request body ({...body}).',
      },
      async (t: TestContext) => {
        const reply = await t.request('POST', '/todos', { json: { title: 'Buy milk', id: 0, color: 'red' } });
        t.expectStatus(reply, [200, 201]);
        const todo = expectTodo(t, t.expectJson(reply), 'the answer to POST /todos');
        t.expectTrue(!Object.hasOwn(todo, 'color'), {
          message: 'the created to-do kept the unknown field "color"',
          expected: 'no "color" member',
          actual: excerpt(todo),
        });
        const list = await listTodos(t);
        t.expectTrue(list.length === 1 && !Object.hasOwn(list[0]!, 'color'), {
          message: 'GET /todos shows the unknown field "color" (or not exactly one to-do)',
          expected: 'one to-do without a "color" member',
          actual: excerpt(list),
        });
      },
    );
  });

  s.group('item', () => {
    s.test(
      {
        id: 'core.delete.status-204',
        title: 'DELETE /todos/<id> answers 204 No Content, without a body',
        tier: 'core',
        points: 2,
        rule: 'Status codes: 204 No Content for a successful request with nothing to send back',
        hint: 'startResponse("204 No Content", []) and return [] — no body, and so no Content-Type either.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const reply = await t.request('DELETE', `/todos/${todo.id}`);
        t.expectStatus(reply, 204);
        expectNoBody(t, reply, 'the 204 answer');
      },
    );

    s.test(
      {
        id: 'core.delete.removes',
        title: 'After DELETE /todos/<id>, GET /todos no longer lists it, and the others keep their order',
        tier: 'core',
        points: 2,
        rule: 'Resources: each to-do has its own URL, /todos/<id>, and DELETE removes that one',
        hint: 'Take the id from PATH_INFO ("/todos/7" → 7) and remove exactly the to-do with that id.',
        richardson: 1,
      },
      async (t: TestContext) => {
        const [a, b, c] = await createTodos(t, [{ title: 'Buy milk' }, { title: 'Walk the dog' }, { title: 'Write the report' }]);
        await deleteTodo(t, b!.id);
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(a!), fieldsOf(c!)], `GET /todos after DELETE /todos/${b!.id}`);
      },
    );

    s.test(
      {
        id: 'core.delete.unknown-404',
        title: 'DELETE /todos/<id> with an id no to-do has answers 404',
        tier: 'core',
        points: 1,
        rule: 'Status codes: 404 Not Found for a resource that does not exist',
        hint: 'Look the id up before deleting; when nothing has it, answer 404 with {"error": "..."}.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const reply = await t.request('DELETE', '/todos/424242');
        expectError(t, reply, 404);
      },
    );

    s.test(
      {
        id: 'core.delete.twice-404',
        title: 'Deleting the same to-do twice: the second DELETE answers 404',
        tier: 'core',
        points: 1,
        rule: 'Idempotency: a second DELETE leaves the same state, but the resource is gone, so 404',
        hint: 'After a delete the id names nothing any more: look it up again on every request.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        await deleteTodo(t, todo.id);
        const reply = await t.request('DELETE', `/todos/${todo.id}`);
        expectError(t, reply, 404);
      },
    );

    s.test(
      {
        id: 'core.ids.never-reused',
        title: 'An id is never given out again, even after its to-do was deleted',
        tier: 'core',
        points: 3,
        rule: 'Resources: a URL names one resource for good; ids are never reused',
        hint: 'Keep a counter that only grows (nextId += 1); never derive the id from the number of to-dos or the largest id left.',
        richardson: 1,
      },
      async (t: TestContext) => {
        const created = await createTodos(t, [{ title: 'Buy milk' }, { title: 'Walk the dog' }, { title: 'Write the report' }]);
        await deleteTodo(t, created[2]!.id);
        const newest = await createTodo(t, { title: 'Call mum' });
        const used = created.map((todo) => todo.id);
        t.expectTrue(!used.includes(newest.id), {
          message: `the new to-do got the id ${newest.id}, which was already given out`,
          expected: `an id other than ${used.join(', ')}`,
          actual: `id ${newest.id}`,
        });
      },
    );
  });

  s.group('routing', () => {
    s.test(
      {
        id: 'core.routing.unknown-path-404',
        title: 'A path the API does not have answers 404 with a JSON error',
        tier: 'core',
        points: 1,
        rule: 'Status codes: 404 Not Found for a URL that names nothing',
        hint: 'Compare PATH_INFO exactly (=== "/todos"), not with startsWith; anything unmatched falls through to one 404 answer.',
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const target of ['/nope', '/todosx']) {
          const reply = await t.request('GET', target);
          expectError(t, reply, 404, { why: `GET ${target}: only /todos and /todos/<id> exist in the core tier.` });
        }
      },
    );

    s.test(
      {
        id: 'core.routing.bad-id-404',
        title: 'Only /todos/<digits> names a to-do: /todos/abc, /todos/<id>x and /todos/ answer 404',
        tier: 'core',
        points: 1,
        rule: 'Resources: a URL names a resource exactly, or nothing',
        hint: 'Match PATH_INFO against /^\\/todos\\/([0-9]+)$/ — parseInt("7x") is 7, so parseInt alone accepts paths that name nothing.',
        richardson: 1,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const requests: Array<[string, string]> = [
          ['GET', '/todos/abc'],
          ['DELETE', '/todos/abc'],
          ['DELETE', `/todos/${todo.id}x`],
          ['GET', '/todos/'],
        ];
        for (const [method, target] of requests) {
          const reply = await t.request(method, target);
          expectError(t, reply, 404, { why: `${method} ${target}: <id> is one or more digits and nothing else, and there is no trailing slash.` });
        }
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(todo)], 'GET /todos after the requests to paths that name nothing');
      },
    );

    s.test(
      {
        id: 'core.routing.405-collection',
        title: 'DELETE /todos answers 405 with an Allow header listing GET and POST',
        tier: 'core',
        points: 2,
        rule: 'Allow: a 405 Method Not Allowed says which methods the resource does support',
        hint: 'When the path is /todos but the method is neither GET nor POST: startResponse("405 Method Not Allowed", [..., ["Allow", "GET, POST"]]).',
        richardson: 2,
      },
      async (t: TestContext) => {
        const reply = await t.request('DELETE', '/todos');
        expectError(t, reply, 405);
        const allowed = allowedMethods(t, reply);
        t.expectTrue(allowed.includes('GET') && allowed.includes('POST') && !allowed.includes('DELETE'), {
          message: 'Allow on /todos must list GET and POST, and not DELETE',
          expected: 'Allow: GET, POST (later tiers add HEAD, OPTIONS)',
          actual: `Allow: ${allowed.join(', ')}`,
        });
      },
    );

    s.test(
      {
        id: 'core.routing.405-item',
        title: 'POST /todos/<id> answers 405 with an Allow header listing DELETE',
        tier: 'core',
        points: 2,
        rule: 'Allow: a 405 Method Not Allowed says which methods the resource does support',
        hint: 'When the path is /todos/<id> but the method is not one the item supports: 405 with ["Allow", "DELETE"] (later tiers add GET, PUT, ...).',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const reply = await t.request('POST', `/todos/${todo.id}`, { json: { title: 'Buy oat milk' } });
        expectError(t, reply, 405);
        const allowed = allowedMethods(t, reply);
        t.expectTrue(allowed.includes('DELETE') && !allowed.includes('POST'), {
          message: 'Allow on /todos/<id> must list DELETE, and not POST',
          expected: 'Allow: DELETE (later tiers add GET, HEAD, PUT, PATCH, OPTIONS)',
          actual: `Allow: ${allowed.join(', ')}`,
        });
      },
    );
  });
});
