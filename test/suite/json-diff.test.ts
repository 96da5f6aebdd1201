import { expect, test } from 'vitest';
import { firstDifference, show } from '../../grader/suite/runtime/json-diff.ts';

test('equal JSON values have no difference', () => {
  expect(firstDifference({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBeUndefined();
});

test('the first difference names its path', () => {
  expect(firstDifference({ items: [{ done: false }] }, { items: [{ done: true }] })).toBe('.items[0].done is false, expected true');
  expect(firstDifference({ a: 1 }, { a: 1, b: 2 })).toBe('.b is missing, expected 2');
  expect(firstDifference({ a: 1, c: 3 }, { a: 1 })).toBe('.c is not expected (got 3)');
  expect(firstDifference([1, 2], [1])).toBe('the value has 2 items, expected 1');
  expect(firstDifference('1', 1)).toBe('the value is "1" (string), expected 1 (number)');
});

test('show() cuts long values', () => {
  expect(show('x'.repeat(500), 20)).toHaveLength(20);
  expect(show(undefined)).toBe('undefined');
});
