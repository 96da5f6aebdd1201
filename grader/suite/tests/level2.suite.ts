/**
 * Level 2 (starter/README.md, "Level 2"): the item resource (GET, PUT,
 * PATCH), filtering and pagination of the collection, HEAD and OPTIONS,
 * and 415 for bodies that are not JSON.
 */
import type { Reply, TestContext } from '../define.ts';
import { defineSuite } from '../define.ts';
import {
  allowedMethods,
  createTodo,
  createTodos,
  excerpt,
  expectError,
  expectNoBody,
  expectTodo,
  expectTodoArray,
  fieldsOf,
  listTodos,
  mediaType,
  pageLinks,
  type TodoJson,
} from './helpers.ts';

/** PUT or PATCH `json` to /todos/<id>, expecting 200 and the to-do. */
async function change(t: TestContext, method: 'PUT' | 'PATCH', id: number, json: unknown): Promise<TodoJson> {
  const reply = await t.request(method, `/todos/${id}`, { json });
  t.expectStatus(reply, 200);
  return expectTodo(t, t.expectJson(reply), `the answer to ${method} /todos/${id}`);
}

/** GET a page of the collection: 200, and the titles on it. */
async function titlesOn(t: TestContext, target: string): Promise<{ reply: Reply; titles: string[] }> {
  const reply = await t.request('GET', target);
  t.expectStatus(reply, 200);
  return { reply, titles: expectTodoArray(t, reply, `the answer to GET ${target}`).map((todo) => todo.title) };
}

const THREE = [{ title: 'a' }, { title: 'b' }, { title: 'c' }];

export default defineSuite('level 2', (s) => {
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

  s.group('query', () => {
    s.test(
      {
        id: 'l2.filter.done',
        title: 'GET /todos?done=true and ?done=false list only the matching to-dos, in creation order',
        tier: '2',
        points: 2,
        rule: 'Query parameters filter a collection',
        hint: 'Parse QUERY_STRING with new URLSearchParams(environ.QUERY_STRING ?? ""), then filter on todo.done.',
      },
      async (t: TestContext) => {
        await createTodos(t, [{ title: 'a' }, { title: 'b', done: true }, { title: 'c' }]);
        t.expectEqual((await titlesOn(t, '/todos?done=true')).titles, ['b'], 'the titles GET /todos?done=true lists');
        t.expectEqual((await titlesOn(t, '/todos?done=false')).titles, ['a', 'c'], 'the titles GET /todos?done=false lists');
      },
    );

    s.test(
      {
        id: 'l2.filter.invalid-400',
        title: 'GET /todos?done= with anything but true or false answers 400',
        tier: '2',
        points: 1,
        rule: 'Status codes: 400 Bad Request for an invalid query parameter',
        hint: 'done must be exactly "true" or "false" (lower case); anything else, the empty string included, is a 400.',
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const target of ['/todos?done=yes', '/todos?done=', '/todos?done=TRUE']) {
          expectError(t, await t.request('GET', target), 400, { why: `GET ${target}: done must be exactly true or false.` });
        }
      },
    );

    s.test(
      {
        id: 'l2.page.slice',
        title: 'GET /todos?page=N&per_page=M answers that page, with X-Total-Count; page defaults to 1',
        tier: '2',
        points: 2,
        rule: 'Pagination: a page of the collection, and the total in X-Total-Count',
        hint: 'Page N holds items (N-1)*M up to N*M-1 of the (filtered) list; X-Total-Count is the length of the whole list; a page past the end is [].',
      },
      async (t: TestContext) => {
        await createTodos(t, THREE);
        const second = await titlesOn(t, '/todos?page=2&per_page=2');
        t.expectEqual(second.titles, ['c'], 'the titles on GET /todos?page=2&per_page=2');
        t.expectHeader(second.reply, 'X-Total-Count', '3', { why: 'X-Total-Count counts all matching to-dos, not only those on the page.' });
        t.expectEqual((await titlesOn(t, '/todos?per_page=2')).titles, ['a', 'b'], 'the titles on GET /todos?per_page=2 (page 1)');
        t.expectEqual((await titlesOn(t, '/todos?page=3&per_page=2')).titles, [], 'the titles on GET /todos?page=3&per_page=2 (past the end)');
      },
    );

    s.test(
      {
        id: 'l2.page.link',
        title: 'Paginated answers carry Link: <...>; rel="prev" and rel="next" when those pages exist',
        tier: '2',
        points: 2,
        rule: 'Pagination: Link headers (RFC 8288) point to the previous and next pages',
        hint: 'Link: </todos?page=1&per_page=1>; rel="prev", </todos?page=3&per_page=1>; rel="next" — prev when page > 1, next when page*per_page < total, no Link when neither.',
        richardson: 3,
      },
      async (t: TestContext) => {
        await createTodos(t, THREE);
        const cases: Array<[string, Record<string, string> | undefined]> = [
          ['/todos?page=2&per_page=1', { prev: '/todos?page=1&per_page=1', next: '/todos?page=3&per_page=1' }],
          ['/todos?page=1&per_page=1', { next: '/todos?page=2&per_page=1' }],
          ['/todos?page=3&per_page=1', { prev: '/todos?page=2&per_page=1' }],
          ['/todos?page=1&per_page=5', undefined],
        ];
        for (const [target, expected] of cases) {
          const { reply } = await titlesOn(t, target);
          if (expected === undefined) {
            t.expectNoHeader(reply, 'Link', { why: `GET ${target} is the only page: there is no previous and no next page.` });
          } else {
            const value = t.expectHeader(reply, 'Link');
            t.expectEqual(pageLinks(t, value), expected, `the links of GET ${target}, by rel`);
          }
        }
      },
    );

    s.test(
      {
        id: 'l2.page.filter-carried',
        title: 'A filtered page counts only matching to-dos and keeps done= in its Link',
        tier: '2',
        points: 1,
        rule: 'Pagination: links keep the filter; X-Total-Count counts matching items',
        hint: 'Filter first, then paginate; build links as /todos?done=<value>&page=<n>&per_page=<m>.',
      },
      async (t: TestContext) => {
        await createTodos(t, [{ title: 'a' }, { title: 'b', done: true }, { title: 'c' }]);
        const target = '/todos?done=false&page=1&per_page=1';
        const { reply, titles } = await titlesOn(t, target);
        t.expectEqual(titles, ['a'], `the titles on GET ${target}`);
        t.expectHeader(reply, 'X-Total-Count', '2', { why: 'X-Total-Count counts the to-dos matching done=false: 2.' });
        const value = t.expectHeader(reply, 'Link');
        t.expectEqual(pageLinks(t, value), { next: '/todos?done=false&page=2&per_page=1' }, `the links of GET ${target}, by rel`);
      },
    );

    s.test(
      {
        id: 'l2.page.invalid-400',
        title: 'page below 1, per_page outside 1..100, or values that are not whole numbers answer 400',
        tier: '2',
        points: 1,
        rule: 'Status codes: 400 Bad Request for an invalid query parameter',
        hint: 'page: digits only, 1 or more; per_page: digits only, 1 to 100. Check with /^[0-9]+$/ before converting.',
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const target of ['/todos?page=0', '/todos?page=abc', '/todos?per_page=0', '/todos?per_page=101']) {
          expectError(t, await t.request('GET', target), 400, { why: `GET ${target}: page is a whole number ≥ 1, per_page a whole number from 1 to 100.` });
        }
      },
    );
  });

  s.group('methods', () => {
    s.test(
      {
        id: 'l2.head.same-as-get',
        title: 'HEAD answers with the status and headers GET would give, and no body',
        tier: '2',
        points: 2,
        rule: 'Safe methods: HEAD is GET without the body',
        hint: 'Answer HEAD by running your GET code and then dropping the body: same status, same headers, return [].',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const cases: Array<[string, number]> = [
          [`/todos/${todo.id}`, 200],
          ['/todos', 200],
          [`/todos/${todo.id + 1000}`, 404],
        ];
        for (const [target, status] of cases) {
          const get = await t.request('GET', target);
          t.expectStatus(get, status, { why: `This test compares HEAD ${target} with GET ${target}, which answers ${status}.` });
          const head = await t.request('HEAD', target);
          t.expectStatus(head, status, { why: `HEAD ${target} answers with the status of GET ${target}: ${status}.` });
          t.expectEqual(mediaType(head.headers['content-type']), mediaType(get.headers['content-type']), `the Content-Type of HEAD ${target}`);
          if (target === '/todos') {
            t.expectEqual(head.headers['x-total-count'], get.headers['x-total-count'], 'the X-Total-Count of HEAD /todos');
          }
          expectNoBody(t, head, `the answer to HEAD ${target}`);
        }
      },
    );

    s.test(
      {
        id: 'l2.options.allow',
        title: 'OPTIONS answers 204 with Allow listing exactly the methods the resource supports',
        tier: '2',
        points: 1,
        rule: 'Allow: OPTIONS describes which methods a resource supports',
        hint: 'Keep one list of methods per resource and use it for OPTIONS and 405: /todos has GET, HEAD, POST, OPTIONS; /todos/<id> has GET, HEAD, PUT, PATCH, DELETE, OPTIONS.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const cases: Array<[string, string[]]> = [
          ['/todos', ['GET', 'HEAD', 'OPTIONS', 'POST']],
          [`/todos/${todo.id}`, ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT']],
        ];
        for (const [target, expected] of cases) {
          const reply = await t.request('OPTIONS', target);
          t.expectStatus(reply, 204);
          t.expectEqual([...allowedMethods(t, reply)].sort(), expected, `the methods Allow lists for OPTIONS ${target} (sorted)`);
        }
      },
    );
  });

  s.group('media-type', () => {
    s.test(
      {
        id: 'l2.media.415-wrong-type',
        title: 'A POST or PATCH body declared as something other than application/json answers 415',
        tier: '2',
        points: 1,
        rule: 'Content negotiation: 415 Unsupported Media Type for a body in a format the server does not accept',
        hint: 'Before reading a POST/PUT/PATCH body, check the media type in environ.CONTENT_TYPE (the part before ";") is application/json.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const post = await t.request('POST', '/todos', { headers: { 'Content-Type': 'text/plain' }, body: '{"title": "Buy milk"}' });
        expectError(t, post, 415);
        const todo = await createTodo(t, { title: 'Walk the dog' });
        const patch = await t.request('PATCH', `/todos/${todo.id}`, {
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'done=true',
        });
        expectError(t, patch, 415);
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(todo)], 'GET /todos after the two 415 answers');
      },
    );

    s.test(
      {
        id: 'l2.media.415-missing-type',
        title: 'A POST or PUT body without any Content-Type answers 415, on both servers',
        tier: '2',
        points: 1,
        rule: 'Content negotiation: 415 when the body\'s media type is not declared as application/json',
        hint: 'CONTENT_TYPE is absent on the socket server and "text/plain" on the simple server when the request has none: treat both as "not JSON".',
        richardson: 2,
      },
      async (t: TestContext) => {
        expectError(t, await t.request('POST', '/todos', { body: '{"title": "Buy milk"}' }), 415);
        const todo = await createTodo(t, { title: 'Walk the dog' });
        expectError(t, await t.request('PUT', `/todos/${todo.id}`, { body: '{"title": "Walk the cat", "done": true}' }), 415);
        const list = await listTodos(t);
        t.expectEqual(list.map(fieldsOf), [fieldsOf(todo)], 'GET /todos after the two 415 answers');
      },
    );

    s.test(
      {
        id: 'l2.media.charset-accepted',
        title: 'Content-Type: application/json; charset=utf-8 is JSON too',
        tier: '2',
        points: 1,
        rule: 'Content negotiation: a media type may carry parameters',
        hint: 'Compare only the media type: CONTENT_TYPE.split(";")[0].trim().toLowerCase() === "application/json".',
        richardson: 2,
      },
      async (t: TestContext) => {
        const reply = await t.request('POST', '/todos', {
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          body: '{"title": "Buy milk"}',
        });
        t.expectStatus(reply, [200, 201]);
        const todo = expectTodo(t, t.expectJson(reply), 'the answer to POST /todos');
        t.expectEqual(todo.title, 'Buy milk', 'the title of the created to-do');
      },
    );

    s.test(
      {
        id: 'l2.media.precedence',
        title: 'Checks come in order: 404 unknown id, then 405, then 415, then 400',
        tier: '2',
        points: 1,
        rule: 'Status codes: the most fundamental problem is reported first',
        hint: 'Route first (404 path, 405 method, 404 id), then check the media type (415), then the body (400).',
        richardson: 2,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const notJson = { headers: { 'Content-Type': 'text/plain' }, body: 'not json' };
        const cases: Array<[string, string, number, string]> = [
          ['PUT', `/todos/${todo.id + 1000}`, 404, 'the id names no to-do, so nothing else matters'],
          ['POST', `/todos/${todo.id}`, 405, 'POST is not a method of /todos/<id>, so the body does not matter'],
          ['POST', '/todos', 415, 'the body is declared as text/plain, so it is not even parsed'],
        ];
        for (const [method, target, status, why] of cases) {
          const reply = await t.request(method, target, notJson);
          t.expectStatus(reply, status, { why: `${method} ${target} with a text/plain body that is not JSON: ${why}.` });
        }
        const list = await listTodos(t);
        t.expectTrue(list.length === 1, { message: 'the rejected requests changed the collection', expected: 'one to-do', actual: excerpt(list) });
      },
    );
  });
});
