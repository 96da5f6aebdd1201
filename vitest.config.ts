import { defineConfig } from 'vitest/config';

// The project's own tests. Conformance suites (grader/suite/tests/*.suite.ts)
// are not test files: the grader's engine registers them per server.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', 'test/fixtures/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
