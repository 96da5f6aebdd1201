/**
 * The assertion helpers of TestContext, as plain functions: each one decides
 * pass or fail and words the failure for a student (expected / actual); the
 * context adds the rule and the hint of the test.
 */
import type { Failure } from '../../results/types.ts';
import type { Detail, Reply } from '../define.ts';
import { firstDifference, show } from './json-diff.ts';
import { errorMessage } from '../../common/error-message.ts';

export type Fail = (failure: Failure) => never;

/** "content-type" → "Content-Type", for messages. */
export function headerName(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
}

function statusLine(reply: Reply): string {
  return reply.reason ? `${reply.status} ${reply.reason}` : String(reply.status);
}

function withDetail(failure: Failure, detail?: Detail): Failure {
  return { ...failure, ...(detail?.why === undefined ? {} : { why: detail.why }), ...(detail?.hint === undefined ? {} : { hint: detail.hint }) };
}

export function expectStatus(fail: Fail, reply: Reply, expected: number | readonly number[], detail?: Detail): void {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  if (allowed.includes(reply.status)) return;
  const want = allowed.length === 1 ? `status ${allowed[0]}` : `status ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  fail(withDetail({ message: `expected ${want}, got ${statusLine(reply)}`, expected: want, actual: `status ${statusLine(reply)}` }, detail));
}

export type HeaderExpectation = string | RegExp | ((value: string) => boolean);

function describeExpectation(expected: HeaderExpectation | undefined): string {
  if (expected === undefined) return 'present';
  if (typeof expected === 'string') return show(expected);
  if (expected instanceof RegExp) return `matching ${expected.toString()}`;
  return 'an acceptable value';
}

export function expectHeader(fail: Fail, reply: Reply, name: string, expected?: HeaderExpectation, detail?: Detail): string {
  const pretty = headerName(name);
  const value = reply.headers[name.toLowerCase()];
  if (value === undefined) {
    const want = expected === undefined ? `a ${pretty} header` : `${pretty}: ${describeExpectation(expected)}`;
    fail(withDetail({ message: `the response has no ${pretty} header`, expected: want, actual: `no ${pretty} header` }, detail));
  }
  const ok = expected === undefined ? true
    : typeof expected === 'string' ? value === expected
    : expected instanceof RegExp ? expected.test(value)
    : expected(value);
  if (!ok) {
    const want = `${pretty}: ${describeExpectation(expected)}`;
    fail(withDetail({ message: `${pretty} is ${show(value)}, expected ${describeExpectation(expected)}`, expected: want, actual: `${pretty}: ${show(value)}` }, detail));
  }
  return value;
}

export function expectNoHeader(fail: Fail, reply: Reply, name: string, detail?: Detail): void {
  const pretty = headerName(name);
  const value = reply.headers[name.toLowerCase()];
  if (value === undefined) return;
  fail(withDetail({ message: `the response must not have a ${pretty} header`, expected: `no ${pretty} header`, actual: `${pretty}: ${show(value)}` }, detail));
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

export function expectJson(fail: Fail, reply: Reply, detail?: Detail): unknown {
  const type = reply.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) {
    fail(withDetail({
      message: type === undefined ? 'the response has no Content-Type header' : `Content-Type is ${show(type)}, expected application/json`,
      expected: 'Content-Type: application/json',
      actual: type === undefined ? 'no Content-Type header' : `Content-Type: ${show(type)}`,
    }, detail));
  }
  try {
    return JSON.parse(reply.text) as unknown;
  } catch (error) {
    const reason = errorMessage(error);
    fail(withDetail({
      message: `the body is not valid JSON (${reason})`,
      expected: 'a JSON body',
      actual: reply.text === '' ? 'an empty body' : show(reply.text),
    }, detail));
  }
}

export function expectEqual(fail: Fail, actual: unknown, expected: unknown, message: string, detail?: Detail): void {
  const diff = firstDifference(actual, expected);
  if (diff === undefined) return;
  fail(withDetail({ message: `${message}: ${diff}`, expected: show(expected, 500), actual: show(actual, 500) }, detail));
}
