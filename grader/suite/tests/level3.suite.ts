/**
 * Level 3 (starter/README.md, "Level 3"): hypermedia (_links, the entry
 * point GET /) and caching (ETag, If-None-Match → 304, Cache-Control).
 */
import type { Reply, TestContext } from '../define.ts';
import { defineSuite } from '../define.ts';
import { createTodo, createTodos, excerpt, expectNoBody, expectTodo, isObject, listTodos, type TodoJson } from './helpers.ts';

/** The _links every to-do carries, exactly as the statement gives them. */
function linksOf(id: number): unknown {
  return {
    self: { href: `/todos/${id}` },
    collection: { href: '/todos' },
    update: { href: `/todos/${id}`, method: 'PUT' },
    delete: { href: `/todos/${id}`, method: 'DELETE' },
  };
}

/** A strong entity tag: a double-quoted opaque string, no W/ prefix (RFC 9110 §8.8.3). */
const STRONG_ETAG = /^"[\x21\x23-\x7e\x80-\xff]*"$/;

const ETAG_HINT = 'Hash the body bytes you are about to send (createHash("sha256").update(body).digest("base64url")) and send it in double quotes as ["ETag", `"${hash}"`].';

/** GET `target` expecting 200 and an ETag; returns the reply and the tag. */
async function tagged(t: TestContext, target: string): Promise<{ reply: Reply; etag: string }> {
  const reply = await t.request('GET', target);
  t.expectStatus(reply, 200);
  const etag = t.expectHeader(reply, 'ETag', (value) => STRONG_ETAG.test(value), {
    why: 'Every 200 answer to GET on /todos and /todos/<id> carries a strong ETag: a double-quoted string such as "a1b2c3", without W/.',
  });
  return { reply, etag };
}

/** A link object { href, method? } found at body._links[rel]. */
function followable(t: TestContext, body: unknown, rel: string, what: string): { href: string; method: string } {
  const links = isObject(body) ? body._links : undefined;
  const link = isObject(links) ? links[rel] : undefined;
  t.expectTrue(isObject(link) && typeof link.href === 'string', {
    message: `${what} has no link "${rel}" to follow`,
    expected: `_links.${rel}.href, a string`,
    actual: excerpt(body),
  });
  return { href: link.href as string, method: typeof link.method === 'string' ? link.method : 'GET' };
}

export default defineSuite('level 3', (s) => {
  s.group('links', () => {
    s.test(
      {
        id: 'l3.links.created',
        title: 'The to-do POST /todos answers with carries _links: self, collection, update (PUT), delete (DELETE)',
        tier: '3',
        points: 2,
        rule: 'HATEOAS: a representation links to itself and to what a client can do next',
        hint: 'Serialize every to-do through one function that adds _links: {self, collection, update: {href, method: "PUT"}, delete: {href, method: "DELETE"}}.',
        richardson: 3,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        t.expectEqual(todo._links, linksOf(todo.id), 'the _links of the created to-do');
      },
    );

    s.test(
      {
        id: 'l3.links.collection',
        title: 'Every to-do GET /todos lists carries its own _links',
        tier: '3',
        points: 2,
        rule: 'HATEOAS: every representation of a to-do carries its links, in the collection too',
        hint: 'Map the list through the same function that adds _links to a single to-do.',
        richardson: 3,
      },
      async (t: TestContext) => {
        await createTodos(t, [{ title: 'Buy milk' }, { title: 'Walk the dog' }]);
        const list = await listTodos(t);
        t.expectEqual(
          list.map((todo) => todo._links),
          list.map((todo) => linksOf(todo.id)),
          'the _links of the to-dos GET /todos lists',
        );
      },
    );
  });

  s.group('navigation', () => {
    s.test(
      {
        id: 'l3.root.entry-point',
        title: 'GET / answers 200 with links to itself and to the collection',
        tier: '3',
        points: 1,
        rule: 'HATEOAS: one entry point; every other URL is found by following links',
        hint: 'Route GET on PATH_INFO "/" to {"_links": {"self": {"href": "/"}, "todos": {"href": "/todos"}}}.',
        richardson: 3,
      },
      async (t: TestContext) => {
        const reply = await t.request('GET', '/');
        t.expectStatus(reply, 200);
        const body = t.expectJson(reply);
        const links = isObject(body) && isObject(body._links) ? body._links : {};
        t.expectEqual(
          { self: links.self, todos: links.todos },
          { self: { href: '/' }, todos: { href: '/todos' } },
          'the _links of GET /',
        );
      },
    );

    s.test(
      {
        id: 'l3.links.follow',
        title: 'A client that knows only / can create, read, update and delete a to-do by following links',
        tier: '3',
        points: 2,
        rule: 'HATEOAS: clients follow links (and their methods) instead of building URLs',
        hint: 'Every link must work as given: _links.todos of / is where POST creates, self is where GET reads, update and delete carry the URL and method to use.',
        richardson: 3,
      },
      async (t: TestContext) => {
        const root = await t.request('GET', '/');
        t.expectStatus(root, 200);
        const collection = followable(t, t.expectJson(root), 'todos', 'the answer to GET /');

        const created = await t.request('POST', collection.href, { json: { title: 'Buy milk' } });
        t.expectStatus(created, [200, 201]);
        const todo = expectTodo(t, t.expectJson(created), `the answer to POST ${collection.href}`);

        const self = followable(t, todo, 'self', 'the created to-do');
        const read = await t.request(self.method, self.href);
        t.expectStatus(read, 200);
        t.expectEqual(expectTodo(t, t.expectJson(read), `the answer to GET ${self.href}`).id, todo.id, `the id of the to-do at ${self.href}`);

        const update = followable(t, todo, 'update', 'the created to-do');
        const updated = await t.request(update.method, update.href, { json: { title: 'Buy milk', done: true } });
        t.expectStatus(updated, 200);
        const after: TodoJson = expectTodo(t, t.expectJson(updated), `the answer to ${update.method} ${update.href}`);
        t.expectEqual(after.done, true, 'done after following the update link');

        const remove = followable(t, after, 'delete', 'the updated to-do');
        t.expectStatus(await t.request(remove.method, remove.href), 204);
        t.expectStatus(await t.request('GET', self.href), 404, { why: `After following the delete link, ${self.href} names nothing.` });
      },
    );
  });

  s.group('conditional-requests', () => {
    s.test(
      {
        id: 'l3.etag.present',
        title: 'GET /todos and GET /todos/<id> carry a strong ETag',
        tier: '3',
        points: 1,
        rule: 'Conditional requests: an ETag identifies one version of a representation',
        hint: ETAG_HINT,
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        await tagged(t, '/todos');
        await tagged(t, `/todos/${todo.id}`);
      },
    );

    s.test(
      {
        id: 'l3.etag.stable',
        title: 'The ETag stays the same while the representation does not change',
        tier: '3',
        points: 1,
        rule: 'Conditional requests: the same representation always gets the same ETag',
        hint: 'Derive the ETag from the body bytes (a hash) or a version number changed only by writes — never from the time or a random value.',
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        for (const target of ['/todos', `/todos/${todo.id}`]) {
          const first = await tagged(t, target);
          const second = await tagged(t, target);
          t.expectEqual(second.etag, first.etag, `the ETag of a second GET ${target}, with no change in between`);
        }
      },
    );

    s.test(
      {
        id: 'l3.etag.changes',
        title: 'The ETag changes when the representation changes',
        tier: '3',
        points: 1,
        rule: 'Conditional requests: a new version gets a new ETag',
        hint: ETAG_HINT,
      },
      async (t: TestContext) => {
        const milk = await createTodo(t, { title: 'Buy milk' });
        const before = await tagged(t, '/todos');
        await createTodo(t, { title: 'Walk the dog' });
        const after = await tagged(t, '/todos');
        t.expectTrue(after.etag !== before.etag, {
          message: 'GET /todos kept its ETag after a new to-do was added',
          expected: `an ETag other than ${before.etag}`,
          actual: after.etag,
        });
        const item = await tagged(t, `/todos/${milk.id}`);
        t.expectStatus(await t.request('PATCH', `/todos/${milk.id}`, { json: { done: true } }), 200);
        const changed = await tagged(t, `/todos/${milk.id}`);
        t.expectTrue(changed.etag !== item.etag, {
          message: `GET /todos/${milk.id} kept its ETag after PATCH changed done`,
          expected: `an ETag other than ${item.etag}`,
          actual: changed.etag,
        });
      },
    );

    s.test(
      {
        id: 'l3.etag.if-none-match-304',
        title: 'GET with If-None-Match: <current ETag> answers 304 Not Modified, no body, with the ETag',
        tier: '3',
        points: 2,
        rule: 'Conditional requests: 304 Not Modified when the client already has this version',
        hint: 'Compute the answer and its ETag; when environ.HTTP_IF_NONE_MATCH lists that ETag, startResponse("304 Not Modified", [["ETag", etag]]) and return [].',
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        for (const target of [`/todos/${todo.id}`, '/todos']) {
          const { etag } = await tagged(t, target);
          const reply = await t.request('GET', target, { headers: { 'If-None-Match': etag } });
          t.expectStatus(reply, 304);
          expectNoBody(t, reply, `the 304 answer to GET ${target}`);
          t.expectHeader(reply, 'ETag', etag, { why: 'A 304 answer carries the ETag of the version the client has.' });
        }
      },
    );

    s.test(
      {
        id: 'l3.etag.stale-200',
        title: 'GET with an outdated If-None-Match answers 200 with the new representation and ETag',
        tier: '3',
        points: 1,
        rule: 'Conditional requests: a changed representation is sent in full',
        hint: 'Answer 304 only when the If-None-Match tag equals the current ETag; otherwise answer 200 as usual.',
      },
      async (t: TestContext) => {
        await createTodo(t, { title: 'Buy milk' });
        const { etag } = await tagged(t, '/todos');
        await createTodo(t, { title: 'Walk the dog' });
        const reply = await t.request('GET', '/todos', { headers: { 'If-None-Match': etag } });
        t.expectStatus(reply, 200);
        const body = t.expectJson(reply);
        t.expectTrue(Array.isArray(body) && body.length === 2, {
          message: 'GET /todos with an outdated If-None-Match does not list both to-dos',
          expected: 'an array of 2 to-dos',
          actual: excerpt(body),
        });
        t.expectHeader(reply, 'ETag', (value) => value !== etag, { why: 'The new version of the collection has a new ETag.' });
      },
    );

    s.test(
      {
        id: 'l3.etag.weak-compare',
        title: 'If-None-Match matches with W/ prefixes, in a list of tags, and as *',
        tier: '3',
        points: 1,
        rule: 'Conditional requests: If-None-Match uses the weak comparison (RFC 9110 §13.1.2)',
        hint: 'If-None-Match is "*" or a comma-separated list of tags; drop a leading W/ from each before comparing with your ETag.',
      },
      async (t: TestContext) => {
        const todo = await createTodo(t, { title: 'Buy milk' });
        const target = `/todos/${todo.id}`;
        const { etag } = await tagged(t, target);
        for (const ifNoneMatch of [`W/${etag}`, `"something-else", ${etag}`, '*']) {
          const reply = await t.request('GET', target, { headers: { 'If-None-Match': ifNoneMatch } });
          t.expectStatus(reply, 304, { why: `If-None-Match: ${ifNoneMatch} matches the current ETag ${etag}.` });
        }
      },
    );

    s.test(
      {
        id: 'l3.cache.collection-no-cache',
        title: 'GET /todos answers with Cache-Control: no-cache, its 304 too',
        tier: '3',
        points: 1,
        rule: 'Caching: Cache-Control tells caches to revalidate the collection before reusing it',
        hint: 'Add ["Cache-Control", "no-cache"] to the 200 and the 304 answers of GET /todos.',
      },
      async (t: TestContext) => {
        await createTodo(t, { title: 'Buy milk' });
        const { reply, etag } = await tagged(t, '/todos');
        t.expectHeader(reply, 'Cache-Control', 'no-cache');
        const revalidated = await t.request('GET', '/todos', { headers: { 'If-None-Match': etag } });
        t.expectStatus(revalidated, 304);
        t.expectHeader(revalidated, 'Cache-Control', 'no-cache', { why: 'A 304 carries the Cache-Control the 200 would have carried.' });
      },
    );
  });
});
