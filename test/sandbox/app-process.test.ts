import { existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAppStartError, startAppProcess, type AppStartError } from '../../grader/sandbox/app-process.ts';
import { ensureRuntimeBundle } from '../../grader/sandbox/runtime-bundle.ts';
import { DEFAULT_TEST_SERVERS } from '../../grader/servers/names.ts';
import { COUNTER_APP, TYPES, get, isGone, killAll, prepared, removeTemps, start, tempDir, writeFiles, type Ready } from './helpers.ts';

let work: string;
let counter: Ready;

async function startFailure(promise: Promise<unknown>): Promise<AppStartError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isAppStartError(error)) throw new Error(`expected an AppStartError, got ${String(error)}`);
  return error;
}

async function submission(name: string, source: string): Promise<Ready> {
  return prepared(writeFiles(join(work, 'src', name), { 'app.ts': source }), join(work, 'out'));
}

beforeAll(async () => {
  work = tempDir();
  await ensureRuntimeBundle();
  counter = await submission('counter', COUNTER_APP);
});
afterEach(killAll);
afterAll(removeTemps);

describe.each(DEFAULT_TEST_SERVERS)('an app process on the %s server', (server) => {
  it('serves the app, and fresh() gives a new instance with new state', async () => {
    const app = await start(counter, server);
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.server).toBe(server);
    expect(await get(app, '/')).toEqual({ status: 200, text: '1' });
    expect(await get(app, '/')).toEqual({ status: 200, text: '2' });
    await app.fresh();
    expect(await get(app, '/')).toEqual({ status: 200, text: '1' });
  });

  it('gives a fresh instance of an ES-module bundle too (top-level await)', async () => {
    const app = await start(await submission('tla-counter', `${COUNTER_APP}await Promise.resolve();\n`), server);
    expect(await get(app, '/')).toEqual({ status: 200, text: '1' });
    await app.fresh();
    expect(await get(app, '/')).toEqual({ status: 200, text: '1' });
  });

  it('runs the app in strict mode, as an ES module would', async () => {
    const sloppy = `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  // @ts-expect-error an undeclared variable: a ReferenceError in strict code
  undeclared = 1;
  startResponse('200 OK', []);
  return [];
}
`;
    const app = await start(await submission('sloppy', sloppy), server);
    expect(await get(app, '/')).toMatchObject({ status: 500 });
    const records = await app.drainRecords();
    expect(records[0]!.errors[0]!.message).toMatch(/^ReferenceError: undeclared is not defined \(app\.ts:4:3\)$/);
  });

  it('records the environ of each request and the errors the app raised', async () => {
    const app = await start(counter, server);
    await get(app, '/first?x=1');
    expect(await get(app, '/throw')).toMatchObject({ status: 500 });
    expect(await get(app, '/bad-status')).toMatchObject({ status: 500 });
    expect(await get(app, '/promise')).toMatchObject({ status: 500 });
    const records = await app.drainRecords();
    expect(records.map((r) => r.environ.PATH_INFO)).toEqual(['/first', '/throw', '/bad-status', '/promise']);
    expect(records[0]!.environ).toMatchObject({ REQUEST_METHOD: 'GET', QUERY_STRING: 'x=1', SERVER_NAME: expect.any(String) });
    expect(records[0]!.errors).toEqual([]);
    expect(records[1]!.errors).toEqual([{ message: 'TypeError: thrown on purpose (app.ts:6:45)' }]);
    expect(records[2]!.errors[0]).toMatchObject({ code: 'status-format', rule: expect.any(String), fix: expect.any(String) });
    // Found after the app returned (by the validator or the server): reported through the server's onAppError hook.
    expect(records[3]!.errors).toEqual([expect.objectContaining({ code: expect.any(String), section: expect.any(String) })]);
    // Drained means gone.
    expect(await app.drainRecords()).toEqual([]);
  });

  it('records what the app printed with the request it printed for; the host\'s own lines are not the app\'s', async () => {
    const printer = `${TYPES}
console.log('loading');
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  console.log('handling', environ.PATH_INFO);
  (environ['wsgi.errors'] as { write(text: string): void }).write('via wsgi.errors\\n');
  if (environ.PATH_INFO === '/loud') process.stderr.write('x'.repeat(10_000));
  if (environ.PATH_INFO === '/throw') throw new Error('thrown on purpose');
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [];
}
`;
    const app = await start(await submission('printer', printer), server);
    await get(app, '/one');
    await get(app, '/throw');
    await get(app, '/loud');
    await app.fresh();
    await get(app, '/two');
    const records = await app.drainRecords();
    expect(records.map((r) => r.environ.PATH_INFO)).toEqual(['/one', '/throw', '/loud', '/two']);
    // What the app printed as it loaded goes with the first request after.
    expect(records[0]!.output).toEqual([
      { stream: 'stdout', text: 'loading\n' },
      { stream: 'stdout', text: 'handling /one\n' },
      { stream: 'wsgi.errors', text: 'via wsgi.errors\n' },
    ]);
    // The server's report of the error (with its stack) is the host's line, not the app's output.
    expect(records[1]!.output.map((o) => o.text)).toEqual(['handling /throw\n', 'via wsgi.errors\n']);
    // Capped per request.
    const loud = records[2]!.output.map((o) => o.text).join('');
    expect(loud.length).toBeLessThan(4200);
    expect(loud).toMatch(/\[… more output not shown\]\n$/);
    expect(records[3]!.output[0]).toEqual({ stream: 'stdout', text: 'loading\n' });
    // Still written to the process's own output, where the parent captures it.
    expect(app.output().stdout).toContain('handling /one\n');
  });

  it('hands over the records made before the process was killed, batched or not', async () => {
    const app = await start(counter, server);
    for (let i = 0; i < 100; i++) await get(app, `/many?${i}`);
    await get(app, '/last');
    // Records go out in batches, the last one a few ms after its request: no question needed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await app.kill();
    const records = await app.drainRecords();
    expect(records.map((r) => r.environ.PATH_INFO)).toEqual([...Array<string>(100).fill('/many'), '/last']);
    expect(records.map((r) => r.environ.QUERY_STRING).slice(0, 3)).toEqual(['0', '1', '2']);
  });

  it('responsive() tells a process stuck in a loop from one that is not', async () => {
    const spin = `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  while (environ.PATH_INFO === '/spin') {
    // never ends
  }
  startResponse('200 OK', []);
  return [];
}
`;
    const app = await start(await submission('spin', spin), server);
    expect(await app.responsive(250)).toBe(true);
    void get(app, '/spin', 5_000);
    // Once the request has reached the app (through the listener and IPC: a moment on a busy machine), it never answers again.
    let stuck = false;
    for (let i = 0; i < 20 && !stuck; i++) stuck = !(await app.responsive(250));
    expect(stuck).toBe(true);
    expect(await app.responsive(250)).toBe(false);
    await app.kill();
    expect(await app.responsive(250)).toBe(false);
  });

  it('starts when the runtime is reached through a symbolic link (a linked node_modules)', async () => {
    const linked = join(tempDir(), 'node_modules');
    // 'junction': a directory link Windows makes without administrator rights (ignored elsewhere).
    symlinkSync(dirname(await ensureRuntimeBundle()), linked, 'junction');
    const app = await start(counter, server, { runtime: join(linked, basename(await ensureRuntimeBundle())) });
    expect(await get(app, '/')).toEqual({ status: 200, text: '1' });
  });

  it('kill() ends the process, and says the grader stopped it', async () => {
    const app = await start(counter, server);
    expect(app.alive).toBe(true);
    await app.kill();
    expect(app.alive).toBe(false);
    expect(isGone(app.pid)).toBe(true);
    expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL', reason: 'the app process was stopped by the grader' });
    // Asking a dead process is not an error for records, and is one for fresh().
    expect(await app.drainRecords()).toEqual([]);
    await expect(app.fresh()).rejects.toThrow(/could not reload the app/);
    await app.kill();
  });
});

describe('output', () => {
  it('captures stdout and stderr as text, never more than the limit', async () => {
    const app = await start(counter, 'simple', { outputLimit: 40 });
    await get(app, '/print');
    await get(app, '/print');
    await get(app, '/print');
    await app.drainRecords();
    const output = app.output();
    expect(output.stdout.startsWith('printed by the app\nprinted by the app\npr')).toBe(true);
    expect(output.stdout).toContain('[… output truncated after 40 bytes]');
    expect(output.stdout.match(/printed by the app/g)).toHaveLength(2);
    expect(output.truncated).toBe(true);
  });

  it('shows the server log (Common Log Format) on stderr when asked (npm run serve)', async () => {
    const app = await start(counter, 'simple', { accessLog: true });
    await get(app, '/logged');
    // The server logs the line after the response is out: wait for it.
    await vi.waitFor(() => expect(app.output().stderr).toMatch(/"GET \/logged HTTP\/1\.1" 200 1/), { timeout: 10_000 });
    expect(app.output().truncated).toBe(false);
  });

  it.each(['simple', 'socket'] as const)('keeps app errors but not request lines on stderr by default (%s)', async (server) => {
    const app = await start(counter, server);
    await get(app, '/logged');
    await get(app, '/throw');
    await vi.waitFor(() => expect(app.output().stderr).toContain('thrown on purpose'), { timeout: 10_000 });
    // Each server logs a request's line right after its response: by the time a later request is answered, it would be there.
    await get(app, '/after');
    await app.drainRecords();
    expect(app.output().stderr).not.toMatch(/HTTP\/1\.1" \d{3}/);
  });
});

describe('start failures', () => {
  it("counts the start limit from the app's import, not from Node's own start (a busy machine)", async () => {
    // A runtime that takes 600 ms before it loads the app, as Node may on a machine with every core busy.
    const slowBoot = join(tempDir(), 'slow-boot.mjs');
    writeFileSync(slowBoot, `await new Promise((resolve) => setTimeout(resolve, 600));\nawait import(${JSON.stringify(pathToFileURL(await ensureRuntimeBundle()).href)});\n`);
    const app = await start(counter, 'socket', { runtime: slowBoot, sandbox: false, startTimeoutMs: 300 });
    expect(await get(app, '/')).toEqual({ status: 200, text: '1' });
  });

  it('a start timeout kills the process', async () => {
    const failure = await startFailure(start(counter, 'simple', { startTimeoutMs: 1 }));
    expect(failure.failure).toEqual({ kind: 'start-timeout', message: 'the app did not start within 1 ms — an infinite loop at import?' });
    expect(failure.pid !== undefined && isGone(failure.pid)).toBe(true);
  });

  it.each([
    ['no export', 'export const x = 1;', 'no `application` export in app.ts — export function application(environ, startResponse) { … }'],
    [
      'a default export only',
      'export default function (environ: unknown, startResponse: unknown) { return []; }',
      'app.ts has only a default export — the grader looks for a named export: export function application(environ, startResponse) { … }',
    ],
    ['an application that is no function', 'export const application = { ok: true };', '`application` in app.ts is a object, not a function — export function application(environ, startResponse) { … }'],
    ['an exception at import', `${TYPES}\nconst x: string[] = [];\nx[0]!.trim();\nexport function application() { return []; }`, /^app\.ts threw while loading: TypeError: .* \(app\.ts:3:7\)$/],
  ])('a load error for %s', async (name, source, message) => {
    const app = await submission(name.replace(/\W+/g, '-'), source);
    const failure = await startFailure(start(app, 'simple'));
    expect(failure.failure.kind).toBe('load-error');
    expect(failure.failure.message).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
  });

  it('a process that exits while loading', async () => {
    const app = await submission('exit-at-import', 'process.exit(4);\nexport function application() { return []; }');
    const failure = await startFailure(start(app, 'socket'));
    expect(failure.failure).toEqual({
      kind: 'exited',
      message: "the app called process.exit(4) — an application must never end the server's process (while loading, before the server was ready)",
    });
  });

  it('a port in use is reported with its errno code', async () => {
    const first = await start(counter, 'simple');
    const port = Number(new URL(first.url).port);
    const failure = await startFailure(start(counter, 'socket', { port }));
    expect(failure.failure.kind).toBe('exited');
    expect(failure.code).toBe('EADDRINUSE');
    expect(await get(first, '/')).toMatchObject({ status: 200 });
  });
});

describe('without the sandbox', () => {
  it('runs the same way, with the permission model off', async () => {
    const app = await submission(
      'writer',
      `import { writeFileSync } from 'node:fs';\n${TYPES}\nexport function application(environ: Environ, startResponse: StartResponse): ResponseBody {\n  writeFileSync('written.txt', 'ok');\n  startResponse('200 OK', [['Content-Type', 'text/plain']]);\n  return [];\n}\n`,
    );
    const handle = await start(app, 'simple', { sandbox: false });
    const got = await get(handle, '/');
    expect(got, JSON.stringify(await handle.drainRecords())).toMatchObject({ status: 200 });
    expect(existsSync(join(app.bundlePath, '..', 'written.txt'))).toBe(true);
  });
});

describe('the runtime bundle', () => {
  it('is built once and reused', async () => {
    const path = await ensureRuntimeBundle();
    expect(await ensureRuntimeBundle()).toBe(path);
    expect(path).toMatch(/runtime-[0-9a-f]+\.mjs$/);
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('needs no TypeScript loader in the child', async () => {
    const handle = await startAppProcess({ bundlePath: counter.bundlePath, sourceDir: counter.sourceDir, server: 'simple', validate: false });
    try {
      expect(await get(handle, '/')).toEqual({ status: 200, text: '1' });
    } finally {
      await handle.kill();
    }
  });
});
