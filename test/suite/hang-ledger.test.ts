// The ledger of hangs and crashes one submission's app had on one server.
import { expect, test } from 'vitest';
import { BREAKER_ROUTES, HangLedger, routeOf, SHORT_LIMIT_MS } from '../../grader/suite/runtime/hang-ledger.ts';

const digest = (value: string) => () => value;

test('a route is the method and path: query left out, ids generalised', () => {
  expect(routeOf('GET', '/todos?page=2')).toBe('GET /todos');
  expect(routeOf('DELETE', '/todos/17')).toBe('DELETE /todos/{id}');
  expect(routeOf('GET', '/todos/3f2a9c1b-0d4e-4a5b-9c8d-7e6f5a4b3c2d')).toBe('GET /todos/{id}');
  expect(routeOf('GET', '/todos/abc')).toBe('GET /todos/abc');
  expect(routeOf('GET', '/')).toBe('GET /');
});

test('nothing known: sent with the request timeout', () => {
  expect(new HangLedger().plan('GET /todos', digest('a'), 2000)).toEqual({ kind: 'send', timeoutMs: 2000 });
});

test('the same sequence that left a new app stuck is not sent; another one to the same route gets a shorter limit', () => {
  const ledger = new HangLedger();
  ledger.stuck('DELETE /todos/{id}', 'seq-1', 'core.delete.status-204');
  expect(ledger.plan('DELETE /todos/{id}', digest('seq-1'), 2000)).toMatchObject({ kind: 'unsent', hang: true, message: expect.stringMatching(/not sent again/) });
  expect(ledger.plan('DELETE /todos/{id}', digest('seq-2'), 2000)).toEqual({
    kind: 'send',
    timeoutMs: SHORT_LIMIT_MS,
    note: 'a shorter limit than 2 s: DELETE /todos/{id} left the app stuck in core.delete.status-204',
  });
  // Other routes, and a request timeout already that short, are untouched.
  expect(ledger.plan('GET /todos', digest('seq-2'), 2000)).toEqual({ kind: 'send', timeoutMs: 2000 });
  expect(ledger.plan('DELETE /todos/{id}', digest('seq-2'), 400)).toEqual({ kind: 'send', timeoutMs: 400 });
});

test('a crash alone never shortens the limit', () => {
  const ledger = new HangLedger();
  ledger.crashed('GET /todos', 'core.list.empty-array');
  expect(ledger.plan('GET /todos', digest('a'), 2000)).toEqual({ kind: 'send', timeoutMs: 2000 });
});

test(`an app that answered nothing and went wrong on ${BREAKER_ROUTES} routes gets no more requests, saying why`, () => {
  const ledger = new HangLedger();
  ledger.stuck('GET /todos', 'a', 't.one');
  ledger.crashed('POST /todos', 't.two');
  expect(ledger.tripped).toBeUndefined();
  ledger.stuck('GET /', 'c', 't.three');
  expect(ledger.tripped).toBe(
    'not sent: this app answered no request on this server, and its process got stuck or ended on 3 routes (GET /todos in t.one, POST /todos in t.two, GET / in t.three), so no more requests were sent to it',
  );
  expect(ledger.plan('PUT /todos/{id}', digest('d'), 2000)).toMatchObject({ kind: 'unsent', hang: false });
});

test('one answer anywhere keeps the breaker off: the app works somewhere', () => {
  const ledger = new HangLedger();
  ledger.answered();
  for (const route of ['GET /a', 'GET /b', 'GET /c', 'GET /d']) ledger.stuck(route, route, 't');
  expect(ledger.tripped).toBeUndefined();
});
