/** access-log.ts: the Common Log Format line, and what a client can't forge in it. */
import { describe, expect, it } from 'vitest';
import { clfTime, formatAccessLine, type AccessRecord } from '../../../grader/servers/common/access-log.ts';

const record = (target: string, extra: Partial<AccessRecord> = {}): AccessRecord => ({
  remoteAddress: '127.0.0.1',
  time: Date.UTC(2000, 9, 10, 13, 55, 36),
  method: 'GET',
  target,
  version: 'HTTP/1.1',
  status: 200,
  bytes: 2326,
  ...extra,
});

describe('formatAccessLine', () => {
  it('writes host ident authuser [time] "request" status bytes', () => {
    expect(formatAccessLine(record('/a'))).toBe('127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.1" 200 2326');
  });

  it('writes "-" for an unknown peer, no status and no bytes', () => {
    const { remoteAddress: _, ...rest } = record('/a', { status: 0, bytes: 0 });
    expect(formatAccessLine(rest)).toBe('- - - [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.1" - -');
  });

  it.each([
    ['a quote', '/a"b', '/a\\x22b'],
    ['a backslash', '/a\\b', '/a\\x5cb'],
    ['a newline (a forged second line)', '/a\n1.2.3.4 - - [x] "GET /admin HTTP/1.1" 200 1', '/a\\x0a1.2.3.4 - - [x] \\x22GET /admin HTTP/1.1\\x22 200 1'],
    ['NUL and DEL', '/a\x00\x7f', '/a\\x00\\x7f'],
  ])('escapes %s as \\xNN, as Apache does', (_what, target, logged) => {
    expect(formatAccessLine(record(target))).toContain(`"GET ${logged} HTTP/1.1"`);
  });

  it('leaves other text as it is', () => {
    expect(formatAccessLine(record("/todos?q={'x'}|é~"))).toContain(`"GET /todos?q={'x'}|é~ HTTP/1.1"`);
  });

  it('formats each second afresh (the cache is per second)', () => {
    expect(clfTime(Date.UTC(2026, 11, 6, 8, 0, 1))).toBe('06/Dec/2026:08:00:01 +0000');
    expect(clfTime(Date.UTC(2026, 11, 6, 8, 0, 2))).toBe('06/Dec/2026:08:00:02 +0000');
  });
});
