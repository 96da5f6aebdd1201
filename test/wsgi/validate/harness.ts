/**
 * Test helpers: the fake server (fake-server.ts) and assertions that a
 * violation has the expected code and a message that teaches.
 */
import { expect } from 'vitest';
import { isWsgiViolation, type WsgiViolation } from '../../../grader/wsgi/violation.ts';
import { VIOLATION_CODES, type ViolationCode } from '../../../grader/wsgi/validate/index.ts';

export * from './fake-server.ts';

/** Run `action` and return the WsgiViolation it throws (failing the test otherwise). */
export async function violationOf(action: () => unknown): Promise<WsgiViolation> {
  let thrown: unknown;
  try {
    await action();
  } catch (error) {
    thrown = error;
  }
  if (!isWsgiViolation(thrown)) {
    throw new Error(`expected a WsgiViolation, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  }
  return thrown;
}

/** The violation has `code`, and its message teaches: the fix and the PEP 3333 section. */
export function expectTeaching(found: WsgiViolation, code: ViolationCode): void {
  const info = VIOLATION_CODES[code];
  expect(found.code).toBe(code);
  expect(found.side).toBe(info.side);
  expect(found.section).toBe(info.section);
  expect(found.message).toContain(`PEP 3333, "${info.section}"`);
  expect(found.message).toContain(info.fix);
  expect(found.message).toContain(info.rule);
  expect(found.message).toContain(`[${code}]`);
}

/** `action` throws the violation `code`, with a teaching message; returns it for further checks. */
export async function expectViolation(action: () => unknown, code: ViolationCode): Promise<WsgiViolation> {
  const found = await violationOf(action);
  expectTeaching(found, code);
  return found;
}

