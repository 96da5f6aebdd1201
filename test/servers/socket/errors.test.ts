/**
 * errors.ts: the answers the server writes by itself.
 */
import { describe, expect, it } from 'vitest';
import { badRequest, errorResponseBytes, writeErrorResponse } from '../../../grader/servers/socket/errors.ts';

const HEADERS = { date: 'Thu, 01 Jan 1970 00:00:00 GMT', server: 'socket/test' };

describe('error responses', () => {
  it('are complete HTTP/1.1 responses with Content-Length and Connection: close', () => {
    const text = errorResponseBytes(badRequest('bare LF'), HEADERS).toString('latin1');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 400 Bad Request',
      'Date: Thu, 01 Jan 1970 00:00:00 GMT',
      'Server: socket/test',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ]);
    expect(body).toBe('400 Bad Request\n\nbare LF\n');
  });

  it('keep peer bytes quoted in a message from forging lines', () => {
    const text = errorResponseBytes(badRequest('bad "\r\nSet-Cookie: x"'), HEADERS).toString('latin1');
    expect(text).not.toContain('\r\nSet-Cookie');
  });

  it('are not written when a response head already went out for the request', () => {
    const written: Uint8Array[] = [];
    expect(writeErrorResponse({ headersSent: true, write: (b) => written.push(b) }, badRequest('x'), HEADERS)).toBe(false);
    expect(written).toHaveLength(0);
    expect(writeErrorResponse({ headersSent: false, write: (b) => written.push(b) }, badRequest('x'), HEADERS)).toBe(true);
    expect(written).toHaveLength(1);
  });
});
