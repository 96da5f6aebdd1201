// The grading benchmark's baseline: what vitest alone costs to start and run one test.
import { expect, test } from 'vitest';

test('baseline', () => {
  expect(1 + 1).toBe(2);
});
