/**
 * The status argument of start_response().
 *
 * PEP 3333 "The start_response() Callable": a string like "200 OK" — a
 * Status-Code and a Reason-Phrase separated by a single space, with no
 * surrounding whitespace, no control characters, no CR/LF at the end; and
 * "Unicode Issues": ISO-8859-1 characters only.
 */
import { STATUS_CODES } from 'node:http';
import { violation } from './codes.ts';
import { firstControlChar, firstNonLatin1, show, showChar } from './describe.ts';

/** "200 OK" for 200; "299 Reason" when Node knows no phrase. */
export function exampleStatus(code: number): string {
  return `${code} ${STATUS_CODES[code] ?? 'Reason'}`;
}

/** Check the status and return its numeric code. */
export function checkStatus(status: unknown): number {
  if (typeof status === 'number') {
    // The most common slip: passing the code alone, as other frameworks allow.
    const example = Number.isInteger(status) && status >= 200 && status <= 599 ? exampleStatus(status) : '200 OK';
    throw violation('status-format', `startResponse() got the number ${show(status)} as status`,
      `Pass the string "${example}" instead of the number.`);
  }
  if (typeof status !== 'string') {
    throw violation('status-format', `startResponse() got ${show(status)} as status, not a string`);
  }

  const control = firstControlChar(status);
  if (control !== undefined) {
    const crlf = control === '\r' || control === '\n';
    throw violation('status-control-chars', `the status ${show(status)} contains the control character ${showChar(control)}`,
      crlf ? 'The server writes the status line and its CRLF itself; a CR/LF inside could inject headers.' : undefined);
  }
  const wide = firstNonLatin1(status);
  if (wide !== undefined) {
    throw violation('not-latin1', `the status ${show(status)} contains ${show(wide)}, which is not ISO-8859-1`,
      'Use an ASCII reason phrase, e.g. "200 OK".');
  }

  const digits = /^\d{3}(?!\d)/.exec(status)?.[0];
  if (digits === undefined) {
    throw violation('status-format', `the status ${show(status)} does not start with a 3-digit code`);
  }
  const code = Number(digits);
  if (code < 200 || code > 599) {
    // 1xx responses are interim (RFC 9110 §15.2): the server sends those; an app gives the final answer.
    throw violation('status-format', `the status code ${code} in ${show(status)} is not a final HTTP status (200–599)`);
  }
  if (status.length === 3) {
    throw violation('status-format', `the status ${show(status)} has no reason phrase`,
      `Add one after a space: "${exampleStatus(code)}".`);
  }
  const reason = status.slice(4);
  if (status[3] !== ' ' || reason === '' || /^\s|\s$/.test(reason)) {
    throw violation('status-format', `the status ${show(status)} is not "code, one space, reason phrase"`,
      `Write it exactly like "${exampleStatus(code)}".`);
  }
  return code;
}
