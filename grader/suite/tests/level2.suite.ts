/**
 * Level 2 (starter/README.md, "Level 2"): filtering and pagination of the
 * collection, HEAD and OPTIONS, and 415 for bodies that are not JSON. The
 * item resource (GET, PUT, PATCH) is in level2.item.suite.ts.
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
} from './helpers.ts';

/** GET a page of the collection: 200, and the titles on it. */
async function titlesOn(t: TestContext, target: string): Promise<{ reply: Reply; titles: string[] }> {
  const reply = await t.request('GET', target);
  t.expectStatus(reply, 200);
  return { reply, titles: expectTodoArray(t, reply, `the answer to GET ${target}`).map((todo) => todo.title) };
}

const THREE = [{ title: 'a' }, { title: 'b' }, { title: 'c' }];

export default defineSuite('level 2', (s) => {
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
