// How app errors and contract violations explain (never erase) a test's failure.
import { expect, test } from 'vitest';
import { explainWithAppErrors } from '../../grader/engine/worker/app-errors.ts';
import type { ObservedError } from '../../grader/suite/runtime/context.ts';

const violation: ObservedError = {
  requestIndex: 2,
  status: 500,
  error: {
    message: 'Content-Length is 12 but the body has 14 bytes — Bytes, not characters Fix: count bytes',
    code: 'content-length-exceeded',
    rule: 'Bytes, not characters',
    section: 'Handling the Content-Length Header',
    fix: 'count bytes',
  },
};

test('a failure with its own message keeps it (and its hint), the violation attached with its rule as the why', () => {
  const own = {
    message: 'after 3 requests, GET /todos answered 500 — reproduce with: npm run grade -- --seed 1',
    expected: 'status 200', actual: 'status 500', why: 'The model rule', hint: 'Replay the curl lines',
  };
  const explained = explainWithAppErrors(own, [violation]);
  expect(explained?.message).toBe(`${own.message} — the app broke the WSGI contract: Content-Length is 12 but the body has 14 bytes`);
  expect(explained).toMatchObject({ expected: 'status 200', actual: 'status 500', why: 'Bytes, not characters', hint: 'Replay the curl lines' });
  expect(explained?.violation).toEqual({ code: 'content-length-exceeded', section: 'Handling the Content-Length Header', fix: 'count bytes' });
});

test('a test that passed but broke the contract fails with the violation as its message', () => {
  expect(explainWithAppErrors(undefined, [violation])).toEqual({
    message: 'Content-Length is 12 but the body has 14 bytes',
    why: 'Bytes, not characters',
    hint: 'count bytes',
    violation: { code: 'content-length-exceeded', section: 'Handling the Content-Length Header', fix: 'count bytes' },
  });
});

test('an error the app raised is appended to the failure; no errors leave it alone', () => {
  const failure = { message: 'expected status 201, got 500' };
  expect(explainWithAppErrors(failure, [{ requestIndex: 0, error: { message: 'TypeError: boom\n  at app.ts:1' } }])?.message)
    .toBe('expected status 201, got 500 — the app raised TypeError: boom');
  expect(explainWithAppErrors(failure, [])).toBe(failure);
  expect(explainWithAppErrors(undefined, [])).toBeUndefined();
});
