import { describe, expect, it } from 'vitest';
import { byteLength, capStrings, excerpt, excerptLines, prefixBytes } from '../../grader/reports/cap.ts';

describe('excerpt', () => {
  it('keeps text that fits', () => {
    expect(excerpt('hello', 5)).toBe('hello');
  });

  it('cuts and says how many bytes it left out', () => {
    const text = 'x'.repeat(1000);
    const out = excerpt(text, 100);
    expect(out.startsWith('x'.repeat(100))).toBe(true);
    expect(out).toMatch(/… \[truncated 900 bytes\]$/);
  });

  it('never splits a code point', () => {
    const text = 'é😀'.repeat(50);
    for (let max = 0; max < 30; max++) {
      const kept = prefixBytes(text, max);
      expect(byteLength(kept)).toBeLessThanOrEqual(max);
      expect(kept).not.toMatch(/[\uD800-\uDBFF]$/);
      expect(Buffer.from(kept, 'utf8').toString('utf8')).toBe(kept);
    }
  });

  it('counts dropped bytes in UTF-8', () => {
    const out = excerpt('ééé', 2);
    expect(out).toBe('é… [truncated 4 bytes]');
  });
});

describe('excerptLines', () => {
  it('keeps the first lines and marks the rest', () => {
    const out = excerptLines('a\nb\nc\nd', 2, 1000);
    expect(out.split('\n').slice(0, 2)).toEqual(['a', 'b']);
    expect(out).toMatch(/\[truncated \d+ bytes\]$/);
  });
});

describe('capStrings', () => {
  it('truncates every long string but keeps every entry', () => {
    const value = { a: 'y'.repeat(500), list: ['z'.repeat(500), 'short', 3, null] };
    const capped = capStrings(value, 10);
    expect(capped.list).toHaveLength(4);
    expect(capped.a).toMatch(/^y{10}… \[truncated 490 bytes\]$/);
    expect(capped.list[1]).toBe('short');
    expect(capped.list[2]).toBe(3);
  });
});
