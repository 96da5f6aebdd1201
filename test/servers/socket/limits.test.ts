/**
 * limits.ts: defaults and overrides.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from '../../../grader/servers/socket/limits.ts';

describe('limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxRequestLine: 8192,
      maxHeaderBytes: 16384,
      maxHeaderCount: 100,
      maxBodyBytes: 1048576,
      headerTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
    });
  });

  it('overrides only the given limits', () => {
    expect(resolveLimits({ maxBodyBytes: 10, headerTimeoutMs: 100 })).toEqual({ ...DEFAULT_LIMITS, maxBodyBytes: 10, headerTimeoutMs: 100 });
    expect(resolveLimits(undefined)).toEqual(DEFAULT_LIMITS);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (value) => {
    expect(() => resolveLimits({ maxHeaderCount: value })).toThrow(/maxHeaderCount/);
  });
});
