/**
 * The core tier, request validation (starter/README.md, "Core"): a POST
 * /todos whose body is not a valid to-do answers 400 with a JSON error and
 * creates nothing. Every test starts on a fresh app.
 */
import type { TestContext } from '../define.ts';
import { defineSuite } from '../define.ts';
import {
  expectError,
  listTodos,
} from './helpers.ts';

const VALIDATION_HINT =
  'Check the parsed body before creating anything: an object (not an array or null), title a string with a non-whitespace character, done absent or a boolean; otherwise answer 400 with {"error": "..."}.';

export default defineSuite('core-validation', (s) => {
  s.group('validation', () => {
    s.test(
      {
        id: 'core.validation.invalid-json',
        title: 'POST /todos with a body that is not valid JSON answers 400, not 500',
        tier: 'core',
        points: 3,
        rule: 'Status codes: 400 Bad Request for a malformed request (the client\'s fault, not the server\'s)',
        hint: 'Wrap JSON.parse in try/catch and answer 400 with {"error": "..."} when it throws.',
        richardson: 2,
      },
      async (t: TestContext) => {
        const reply = await t.request('POST', '/todos', {
          headers: { 'Content-Type': 'application/json' },
          body: '{"title": "Buy milk"',
        });
        expectError(t, reply, 400);
      },
    );

    s.test(
      {
        id: 'core.validation.not-object',
        title: 'POST /todos with JSON that is not an object (array, string, null, number) answers 400',
        tier: 'core',
        points: 1,
        rule: 'Status codes: 400 Bad Request for a body of the wrong shape',
        hint: 'JSON.parse("null") is null and JSON.parse("[]") is an array: check typeof body === "object" && body !== null && !Array.isArray(body).',
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const body of ['["Buy milk"]', '"Buy milk"', 'null', '42']) {
          const reply = await t.request('POST', '/todos', { headers: { 'Content-Type': 'application/json' }, body });
          expectError(t, reply, 400, { hint: `${VALIDATION_HINT} (This answer was to the body ${body}.)` });
        }
      },
    );

    s.test(
      {
        id: 'core.validation.title-missing',
        title: 'POST /todos without a title answers 400',
        tier: 'core',
        points: 1,
        rule: 'Status codes: 400 Bad Request when a required field is missing',
        hint: VALIDATION_HINT,
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const json of [{ done: false }, {}]) {
          const reply = await t.request('POST', '/todos', { json });
          expectError(t, reply, 400);
        }
      },
    );

    s.test(
      {
        id: 'core.validation.title-empty',
        title: 'POST /todos with an empty or whitespace-only title answers 400',
        tier: 'core',
        points: 2,
        rule: 'Status codes: 400 Bad Request for an invalid field value',
        hint: 'A title is empty when title.trim() === "" — "   " counts as empty.',
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const title of ['', '   ']) {
          const reply = await t.request('POST', '/todos', { json: { title } });
          expectError(t, reply, 400, { why: `The title ${JSON.stringify(title)} has no non-whitespace character, so it is empty.` });
        }
      },
    );

    s.test(
      {
        id: 'core.validation.title-not-string',
        title: 'POST /todos with a title that is not a string answers 400',
        tier: 'core',
        points: 1,
        rule: 'Status codes: 400 Bad Request for a field of the wrong type',
        hint: 'Check typeof body.title === "string" before anything else about the title.',
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const title of [42, null]) {
          const reply = await t.request('POST', '/todos', { json: { title } });
          expectError(t, reply, 400);
        }
      },
    );

    s.test(
      {
        id: 'core.validation.done-not-boolean',
        title: 'POST /todos with a done that is not true or false answers 400',
        tier: 'core',
        points: 2,
        rule: 'Status codes: 400 Bad Request for a field of the wrong type',
        hint: 'When the body has done, check typeof body.done === "boolean": "true", 1 and null are not booleans.',
        richardson: 2,
      },
      async (t: TestContext) => {
        for (const done of ['true', 1, null]) {
          const reply = await t.request('POST', '/todos', { json: { title: 'Buy milk', done } });
          expectError(t, reply, 400, { why: `done was ${JSON.stringify(done)}; only true and false are booleans.` });
        }
      },
    );

    s.test(
      {
        id: 'core.validation.no-body',
        title: 'POST /todos with no body answers 400: no Content-Length at all, or Content-Length: 0',
        tier: 'core',
        points: 3,
        rule: 'Status codes: 400 Bad Request for a request without the content it needs',
        hint: 'Read the body only as far as CONTENT_LENGTH says; absent, "" or "0" means no body — then answer 400 instead of parsing "". const length = declared ? Number(declared) : 0; never read(Number(undefined)), which is read(NaN).',
        richardson: 2,
      },
      async (t: TestContext) => {
        // Written byte for byte: an HTTP client would add Content-Length: 0 to a body-less POST (RFC 9110 §8.6).
        const cases: Array<[string, Record<string, string>]> = [
          ['no Content-Length header at all (CONTENT_LENGTH is "" on simple, absent on socket)', { 'Content-Type': 'application/json' }],
          ['Content-Length: 0 (CONTENT_LENGTH is "0")', { 'Content-Type': 'application/json', 'Content-Length': '0' }],
        ];
        for (const [what, headers] of cases) {
          const reply = await t.request('POST', '/todos', { headers, raw: true });
          expectError(t, reply, 400, { why: `This POST had no body: ${what}. A request without a body is missing the to-do.` });
        }
      },
    );

    s.test(
      {
        id: 'core.validation.nothing-created',
        title: 'A rejected POST creates nothing',
        tier: 'core',
        points: 2,
        rule: 'Validation first: a request answered with an error changes nothing',
        hint: 'Validate the whole body before you store anything or take the next id.',
      },
      async (t: TestContext) => {
        await t.request('POST', '/todos', { headers: { 'Content-Type': 'application/json' }, body: '{"title": ' });
        await t.request('POST', '/todos', { json: { title: '' } });
        await t.request('POST', '/todos', { json: { title: 'Buy milk', done: 'yes' } });
        await t.request('POST', '/todos', { json: ['Buy milk'] });
        const list = await listTodos(t);
        t.expectEqual(list, [], 'GET /todos after four rejected POSTs');
      },
    );
  });
});
