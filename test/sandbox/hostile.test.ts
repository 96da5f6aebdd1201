/**
 * Each hostile submission gets a truthful outcome, and cannot harm the grader,
 * the machine or the other app processes (a bystander keeps serving).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppStartError, type AppProcessHandle, type AppStartError } from '../../grader/sandbox/app-process.ts';
import { CONFIG_ENV } from '../../grader/sandbox/protocol.ts';
import { ensureRuntimeBundle } from '../../grader/sandbox/runtime-bundle.ts';
import { COUNTER_APP, HOSTILE_DIR, PROJECT_DIR, get, isGone, killAll, prepared, removeTemps, start, tempDir, writeFiles, type Ready } from './helpers.ts';

const NAMES = readdirSync(HOSTILE_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const PWNED = ['write-file', 'spawn-process', 'worker-thread', 'sqlite-write'].map((name) => `/tmp/todo-wsgi-pwned-${name}`);

let work: string;
let bystander: AppProcessHandle;
const hostile: Record<string, Ready> = {};

async function startFailure(name: string, startTimeoutMs?: number): Promise<AppStartError> {
  const error = await start(hostile[name]!, 'simple', startTimeoutMs === undefined ? {} : { startTimeoutMs }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isAppStartError(error)) throw new Error(`expected ${name} to fail to start, got ${String(error)}`);
  return error;
}

/** The request failed with a 500, and the app's error record names the denied operation. */
async function expectDenied(app: AppProcessHandle, path = '/'): Promise<void> {
  expect(await get(app.url, path)).toMatchObject({ status: 500 });
  const [record] = await app.drainRecords();
  expect(record?.errors[0]?.message).toMatch(/Access to this API has been restricted|may only signal its own process/);
}

beforeAll(async () => {
  for (const file of PWNED) rmSync(file, { force: true });
  work = tempDir();
  await ensureRuntimeBundle();
  for (const name of NAMES) hostile[name] = await prepared(join(HOSTILE_DIR, name), join(work, 'out'));
  const counter = await prepared(writeFiles(join(work, 'bystander'), { 'app.ts': COUNTER_APP }), join(work, 'out'));
  bystander = await start(counter, 'socket');
});

afterEach(async () => {
  // Whatever the last one did, the other app processes keep serving.
  expect(await get(bystander.url, '/')).toMatchObject({ status: 200 });
});

afterAll(async () => {
  await killAll();
  removeTemps();
});

describe('hostile submissions', () => {
  it('an infinite loop at import: start-timeout, and the process is gone', async () => {
    const error = await startFailure('loop-at-import', 1500);
    expect(error.failure).toEqual({ kind: 'start-timeout', message: 'the app did not start within 1.5 s — an infinite loop at import?' });
    expect(isGone(error.pid!)).toBe(true);
  });

  it('an exception at import: a load error pointing at the line', async () => {
    const error = await startFailure('throw-at-import');
    expect(error.failure).toEqual({ kind: 'load-error', message: 'app.ts threw while loading: Error: broken at import (app.ts:5:9)' });
  });

  it('an infinite loop in a handler: no answer, but the grader can still kill it', async () => {
    const app = await start(hostile['loop-in-handler']!, 'simple');
    const got = await get(app.url, '/', 1000);
    expect(got).toHaveProperty('error');
    expect(app.alive).toBe(true);
    await app.kill();
    expect((await app.exited).reason).toBe('the app process was stopped by the grader');
    expect(isGone(app.pid)).toBe(true);
  });

  it('process.exit() in a handler: the exit reason says so', async () => {
    const app = await start(hostile['exit-in-handler']!, 'simple');
    expect(await get(app.url, '/')).toHaveProperty('error');
    expect(await app.exited).toEqual({
      code: 3,
      signal: null,
      reason: "the app called process.exit(3) — an application must never end the server's process",
    });
    // The record of the request it died in arrived before it died.
    expect((await app.drainRecords()).map((r) => r.environ.PATH_INFO)).toEqual(['/']);
  });

  it.each(['write-file', 'spawn-process', 'worker-thread'])('%s: denied, the request fails with 500, nothing is created', async (name) => {
    const app = await start(hostile[name]!, 'simple');
    await expectDenied(app);
    expect(existsSync(`/tmp/todo-wsgi-pwned-${name}`)).toBe(false);
    expect(app.alive).toBe(true);
  });

  // Node's permission model does not gate node:sqlite; the host's guard does (Node 22.5+ has the module).
  it.runIf(process.getBuiltinModule('node:sqlite') !== undefined).each(['', 'attach', 'vacuum'])(
    'sqlite-write (%s): a database outside its folder is denied, nothing is created',
    async (how) => {
      const app = await start(hostile['sqlite-write']!, 'simple');
      await expectDenied(app, `/?${how}`);
      expect(existsSync('/tmp/todo-wsgi-pwned-sqlite-write')).toBe(false);
    },
  );

  it('reading outside its folder is denied; its own folder is readable', async () => {
    const app = await start(hostile['read-outside']!, 'simple');
    await expectDenied(app, `/?${encodeURIComponent('/etc/hostname')}`);
    await expectDenied(app, `/?${encodeURIComponent(join(PROJECT_DIR, 'grader', 'suite', 'define.ts'))}`);
    await expectDenied(app, `/?${encodeURIComponent(join(HOSTILE_DIR, 'fake-score', 'app.ts'))}`);
    const own = await get(app.url, `/?${encodeURIComponent(join(HOSTILE_DIR, 'read-outside', 'data.txt'))}`);
    expect(own).toEqual({ status: 200, text: 'a file the app may read\n' });
  });

  it('signalling the grader is refused', async () => {
    const app = await start(hostile['signal-parent']!, 'simple');
    await expectDenied(app);
  });

  it('unbounded memory: the exit reason says it ran out of memory', async () => {
    const app = await start(hostile['memory-hog']!, 'simple', { memoryMb: 64 });
    expect(await get(app.url, '/', 60_000)).toHaveProperty('error');
    const exit = await app.exited;
    expect(exit.reason).toBe('the app ran out of memory (its heap is limited to 64 MB) — does something grow without bound?');
    expect(exit.code !== 0 || exit.signal !== null).toBe(true);
  });

  it('a fake score on stdout is captured as text, and nothing reads it', async () => {
    const app = await start(hostile['fake-score']!, 'simple');
    expect(await get(app.url, '/')).toEqual({ status: 404, text: 'nothing here\n' });
    const records = await app.drainRecords();
    expect(records).toHaveLength(1);
    expect(JSON.stringify([records[0]!.environ, records[0]!.errors])).not.toContain('100');
    // Kept as what the app printed, to show under a failing test: text, never a result.
    expect(records[0]!.output.map((o) => o.text).join('')).toContain('score 100/100\n');
    expect(app.output().stdout).toContain('score 100/100\n');
    expect(app.output().stdout).toContain('"score":100');
  });

  it('forged IPC messages are ignored', async () => {
    const app = await start(hostile['forge-ipc']!, 'simple');
    expect(app.url).not.toBe('http://127.0.0.1:1');
    expect(await get(app.url, '/')).toEqual({ status: 200, text: 'genuine\n' });
    await app.fresh();
    expect((await app.drainRecords()).map((r) => r.environ.PATH_INFO)).toEqual(['/']);
  });

  it("the grader's environment and the child's configuration stay out of reach", async () => {
    process.env.WSGI_KIT_TEST_SECRET = 'hunter2';
    try {
      const app = await start(hostile['env-dump']!, 'simple');
      const got = await get(app.url, '/');
      expect(got).toMatchObject({ status: 200 });
      const text = 'text' in got ? got.text : '';
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(CONFIG_ENV);
      expect(text).not.toContain('nonce');
    } finally {
      delete process.env.WSGI_KIT_TEST_SECRET;
    }
  });

  it('leaves no stray files behind', async () => {
    for (const file of PWNED) expect(existsSync(file)).toBe(false);
    for (const name of NAMES) {
      const bundleDir = join(hostile[name]!.bundlePath, '..');
      expect(readdirSync(bundleDir).sort()).toEqual(['app.cjs', 'submission.json']);
    }
  });
});
