// `npm run grade -- --watch` as a user runs it: a real process regrading after saves.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-watch-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEFINE = resolve('grader/suite/define.ts');

/** A hidden suite of one test expecting `status` from GET /todos. */
function hiddenSuite(status: number): string {
  return `import { defineSuite } from ${JSON.stringify(DEFINE)};
export default defineSuite('watched', (s) => {
  s.test({ id: 'hidden.watched', title: 'GET /todos answers ${status}', tier: 'core', points: 1,
    rule: 'Status codes', hint: 'none' }, async (t) => {
    t.expectStatus(await t.request('GET', '/todos'), ${status});
  });
});
`;
}

test('--watch regrades when a suite in the --tests folder changes, and ends on Ctrl-C', async () => {
  const tests = join(dir, 'hidden');
  mkdirSync(tests);
  writeFileSync(join(tests, 'watched.suite.ts'), hiddenSuite(200));
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'grader/cli/grade.ts', 'solution', '--watch',
    '--tests', tests, '--test', 'hidden.', '--server', 'socket', '--verbose'], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  try {
    await vi.waitFor(() => expect(stderr).toContain(`and ${tests}`), { timeout: 30_000, interval: 100 });
    expect(stdout).toMatch(/✓ GET \/todos answers 200 \(hidden\)/);
    writeFileSync(join(tests, 'watched.suite.ts'), hiddenSuite(201));
    await vi.waitFor(() => expect(stdout).toMatch(/✗ GET \/todos answers 201 \(hidden\)/), { timeout: 30_000, interval: 100 });
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
}, 90_000);
