/**
 * Each hostile submission gets a truthful outcome, and cannot harm the grader,
 * the machine or the other app processes (a bystander keeps serving).
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAppStartError, type AppProcessHandle, type AppStartError } from '../../grader/sandbox/app-process.ts';
import type { PreforkHandle } from '../../grader/sandbox/prefork-process.ts';
import { CONFIG_ENV } from '../../grader/sandbox/protocol.ts';
import { ensureRuntimeBundle } from '../../grader/sandbox/runtime-bundle.ts';
import type { ServerName } from '../../grader/servers/names.ts';
import { COUNTER_APP, HOSTILE_DIR, PROJECT_DIR, get, isGone, killAll, prepared, pwnedPaths, removeTemps, start, startPrefork, tempDir, writeFiles, type Ready } from './helpers.ts';

const NAMES = readdirSync(HOSTILE_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const PWNED = ['write-file', 'spawn-process', 'worker-thread', 'sqlite-write'].flatMap(pwnedPaths);

let work: string;
let bystander: AppProcessHandle;
const hostile: Record<string, Ready> = {};

async function startFailure(name: string, server: ServerName, startTimeoutMs?: number): Promise<AppStartError> {
  const error = await start(hostile[name]!, server, startTimeoutMs === undefined ? {} : { startTimeoutMs }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isAppStartError(error)) throw new Error(`expected ${name} to fail to start, got ${String(error)}`);
  return error;
}

/** The request failed with a 500, and the app's error record names the denied operation. */
async function expectDenied(app: AppProcessHandle, path = '/'): Promise<void> {
  expect(await get(app, path)).toMatchObject({ status: 500 });
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
  expect(await get(bystander, '/')).toMatchObject({ status: 200 });
});

afterAll(async () => {
  await killAll();
  removeTemps();
});

// prefork's workers are app processes too, under the same flags: each fixture is confined there as well.
describe.each(['simple', 'prefork'] as const)('hostile submissions on %s', (server) => {
  it('an infinite loop at import: start-timeout, and the process is gone', async () => {
    const error = await startFailure('loop-at-import', server, 1500);
    expect(error.failure).toEqual({ kind: 'start-timeout', message: 'the app did not start within 1.5 s — an infinite loop at import?' });
    expect(isGone(error.pid!)).toBe(true);
  });

  it('an exception at import: a load error pointing at the line', async () => {
    const error = await startFailure('throw-at-import', server);
    expect(error.failure).toEqual({ kind: 'load-error', message: 'app.ts threw while loading: Error: broken at import (app.ts:5:9)' });
  });

  it.skipIf(server === 'prefork')('an infinite loop in a handler: no answer, but the grader can still kill it', async () => {
    const app = await start(hostile['loop-in-handler']!, server);
    const got = await get(app, '/', 1000);
    expect(got).toHaveProperty('error');
    expect(app.alive).toBe(true);
    await app.kill();
    expect((await app.exited).reason).toBe('the app process was stopped by the grader');
    expect(isGone(app.pid)).toBe(true);
  });

  it.skipIf(server === 'prefork')('process.exit() in a handler: the exit reason says so', async () => {
    const app = await start(hostile['exit-in-handler']!, server);
    expect(await get(app, '/')).toHaveProperty('error');
    expect(await app.exited).toEqual({
      code: 3,
      signal: null,
      reason: "the app called process.exit(3) — an application must never end the server's process",
    });
    // The record of the request it died in arrived before it died.
    expect((await app.drainRecords()).map((r) => r.environ.PATH_INFO)).toEqual(['/']);
  });

  it.each(['write-file', 'spawn-process', 'worker-thread'])('%s: denied, the request fails with 500, nothing is created', async (name) => {
    const app = await start(hostile[name]!, server);
    await expectDenied(app);
    for (const path of pwnedPaths(name)) expect(existsSync(path), path).toBe(false);
    expect(app.alive).toBe(true);
  });

  // Node's permission model does not gate node:sqlite; the host's guard does (Node 22.5+ has the module).
  it.runIf(process.getBuiltinModule('node:sqlite') !== undefined).each(['', 'attach', 'vacuum'])(
    'sqlite-write (%s): a database outside its folder is denied, nothing is created',
    async (how) => {
      const app = await start(hostile['sqlite-write']!, server);
      await expectDenied(app, `/?${how}`);
      for (const path of pwnedPaths('sqlite-write')) expect(existsSync(path), path).toBe(false);
    },
  );

  it('reading outside its folder is denied; its own folder is readable', async () => {
    const app = await start(hostile['read-outside']!, server);
    // A file of the machine's, outside the submission (a temporary one: there on every platform).
    const outside = join(tempDir(), 'secret.txt');
    writeFileSync(outside, 'the grader\'s\n');
    await expectDenied(app, `/?${encodeURIComponent(outside)}`);
    await expectDenied(app, `/?${encodeURIComponent(join(PROJECT_DIR, 'grader', 'suite', 'define.ts'))}`);
    await expectDenied(app, `/?${encodeURIComponent(join(HOSTILE_DIR, 'fake-score', 'app.ts'))}`);
    const own = await get(app, `/?${encodeURIComponent(join(HOSTILE_DIR, 'read-outside', 'data.txt'))}`);
    expect(own).toEqual({ status: 200, text: 'a file the app may read\n' });
  });

  it('signalling the grader is refused', async () => {
    const app = await start(hostile['signal-parent']!, server);
    await expectDenied(app);
  });

  it.skipIf(server === 'prefork')('unbounded memory: the exit reason says it ran out of memory', async () => {
    const app = await start(hostile['memory-hog']!, server, { memoryMb: 64 });
    expect(await get(app, '/', 60_000)).toHaveProperty('error');
    const exit = await app.exited;
    expect(exit.reason).toBe('the app ran out of memory (its heap is limited to 64 MB) — does something grow without bound?');
    expect(exit.code !== 0 || exit.signal !== null).toBe(true);
  });

  it('a fake score on stdout is captured as text, and nothing reads it', async () => {
    const app = await start(hostile['fake-score']!, server);
    expect(await get(app, '/')).toEqual({ status: 404, text: 'nothing here\n' });
    const records = await app.drainRecords();
    expect(records).toHaveLength(1);
    expect(JSON.stringify([records[0]!.environ, records[0]!.errors])).not.toContain('100');
    // Kept as what the app printed, to show under a failing test: text, never a result.
    expect(records[0]!.output.map((o) => o.text).join('')).toContain('score 100/100\n');
    expect(app.output().stdout).toContain('score 100/100\n');
    expect(app.output().stdout).toContain('"score":100');
  });

  it('forged IPC messages are ignored', async () => {
    const app = await start(hostile['forge-ipc']!, server);
    expect(app.url).not.toBe('http://127.0.0.1:1');
    expect(await get(app, '/')).toEqual({ status: 200, text: 'genuine\n' });
    await app.fresh();
    expect((await app.drainRecords()).map((r) => r.environ.PATH_INFO)).toEqual(['/']);
  });

  it("the grader's environment and the child's configuration stay out of reach", async () => {
    process.env.WSGI_KIT_TEST_SECRET = 'hunter2';
    try {
      const app = await start(hostile['env-dump']!, server);
      const got = await get(app, '/');
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

describe('on prefork, a worker that hangs, exits or runs out of memory is replaced; the master stays', () => {
  async function pool(name: string, extra: { timeoutMs?: number; memoryMb?: number } = {}): Promise<{ app: PreforkHandle; log: string[] }> {
    const log: string[] = [];
    const app = await startPrefork(hostile[name]!, { workers: 2, log: (line) => log.push(line), ...extra });
    return { app, log };
  }

  /** Worker 1 (whose pid was `first` before the request it got) was replaced, for the reason in the log. */
  async function replaced(app: PreforkHandle, first: number, log: string[], pattern: RegExp): Promise<void> {
    await vi.waitFor(() => expect(app.workers()[0]!.restarts).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 50 });
    await vi.waitFor(() => expect(app.workers()[0]!.alive).toBe(true), { timeout: 20_000, interval: 50 });
    expect(log.join('\n')).toMatch(pattern);
    expect(isGone(first)).toBe(true);
    expect(app.alive).toBe(true);
  }

  it('an infinite loop in a handler: the heartbeat kills the worker and starts another', async () => {
    const { app, log } = await pool('loop-in-handler', { timeoutMs: 1000 });
    const first = app.workers()[0]!.pid!;
    expect(await get(app, '/', 1500)).toHaveProperty('error');
    await replaced(app, first, log, /prefork: worker 1 \(pid \d+\) timed out \(no answer to the heartbeat within 1 s/);
  });

  it('process.exit() in a handler: the worker is replaced and the log says why', async () => {
    const { app, log } = await pool('exit-in-handler');
    const first = app.workers()[0]!.pid!;
    expect(await get(app, '/')).toHaveProperty('error');
    await replaced(app, first, log, /prefork: worker 1 \(pid \d+\) exited: the app called process\.exit\(3\)/);
    expect((await app.drainRecords()).map((r) => [r.worker, r.environ.PATH_INFO])).toEqual([[1, '/']]);
  });

  it('unbounded memory: the worker is replaced and the log says it ran out of memory', async () => {
    const { app, log } = await pool('memory-hog', { memoryMb: 64 });
    const first = app.workers()[0]!.pid!;
    expect(await get(app, '/', 60_000)).toHaveProperty('error');
    await replaced(app, first, log, /exited: the app ran out of memory \(its heap is limited to 64 MB\)/);
  });
});
