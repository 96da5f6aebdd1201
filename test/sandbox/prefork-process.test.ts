/**
 * The prefork pool as the grader runs it: the master here, each worker a
 * sandboxed app process. Real processes, real sockets, undici as the client.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAppStartError } from '../../grader/sandbox/app-process.ts';
import type { PreforkHandle } from '../../grader/sandbox/prefork-process.ts';
import { ensureRuntimeBundle } from '../../grader/sandbox/runtime-bundle.ts';
import { TYPES, clientFor, get, isGone, killAll, prepared, removeTemps, startPrefork, tempDir, writeFiles, type Reachable, type Ready } from './helpers.ts';

const SQLITE = process.getBuiltinModule('node:sqlite') !== undefined;

/** Tells who answered and what it saw; /print prints, /write?path writes, /slow?ms blocks, /sql keeps rows in todo.database. */
const INFO_APP = `${TYPES}
let count = 0;
let db: { exec(sql: string): void; prepare(sql: string): { run(...a: unknown[]): unknown; get(): unknown } } | undefined;
function json(startResponse: StartResponse, status: string, value: unknown): ResponseBody {
  startResponse(status, [['Content-Type', 'application/json']]);
  return [new TextEncoder().encode(JSON.stringify(value))];
}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  const path = environ.PATH_INFO;
  const query = decodeURIComponent(environ.QUERY_STRING ?? '');
  if (path === '/print') console.log('printed by worker', environ['prefork.worker']);
  if (path === '/slow') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(query));
  if (path === '/write') {
    try {
      process.getBuiltinModule('node:fs').writeFileSync(query, 'x');
      return json(startResponse, '200 OK', { written: true });
    } catch (error) {
      return json(startResponse, '200 OK', { written: false, code: (error as { code?: string }).code });
    }
  }
  if (path === '/sql') {
    if (db === undefined) {
      const sqlite = process.getBuiltinModule('node:sqlite') as unknown as { DatabaseSync: new (p: string) => NonNullable<typeof db> };
      db = new sqlite.DatabaseSync(String(environ['todo.database']));
      db.exec('PRAGMA busy_timeout = 5000');
      db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT)');
    }
    if (environ.REQUEST_METHOD === 'POST') db.prepare('INSERT INTO t DEFAULT VALUES').run();
    return json(startResponse, '200 OK', db.prepare('SELECT count(*) AS n FROM t').get());
  }
  return json(startResponse, '200 OK', {
    pid: process.pid,
    worker: environ['prefork.worker'],
    multiprocess: environ['wsgi.multiprocess'],
    multithread: environ['wsgi.multithread'],
    port: environ.SERVER_PORT,
    database: environ['todo.database'],
    count: ++count,
  });
}
`;

interface Info {
  pid: number;
  worker: number;
  multiprocess: boolean;
  multithread: boolean;
  port: string;
  database?: string;
  count: number;
}

let work: string;
let info: Ready;

async function getJson<T>(app: Reachable, path: string, init: { method?: string } = {}): Promise<{ status: number; connection: string | undefined; body: T }> {
  const dispatcher = clientFor(app);
  try {
    const reply = await request(`${app.url}${path}`, { ...init, dispatcher, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const connection = reply.headers.connection;
    return { status: reply.statusCode, connection: typeof connection === 'string' ? connection : undefined, body: (await reply.body.json()) as T };
  } finally {
    void dispatcher.destroy();
  }
}

beforeAll(async () => {
  work = tempDir();
  await ensureRuntimeBundle();
  info = await prepared(writeFiles(join(work, 'src', 'info'), { 'app.ts': INFO_APP }), join(work, 'out'));
});
afterEach(killAll);
afterAll(removeTemps);

describe('a prefork pool', () => {
  it('spreads consecutive requests over its workers, each with its own app, and says so in the environ', async () => {
    const app = await startPrefork(info, { workers: 3 });
    const answers: Info[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await getJson<Info>(app, `/`);
      // One request per connection, as gunicorn's sync workers: the next may reach another worker.
      expect(reply.connection).toBe('close');
      answers.push(reply.body);
    }
    expect(answers.map((a) => a.worker)).toEqual([1, 2, 3, 1, 2, 3]);
    // Three processes, each counting on its own: the state the lesson is about.
    expect(answers.map((a) => a.count)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(new Set(answers.map((a) => a.pid)).size).toBe(3);
    expect(app.workers().map((w) => w.pid)).toEqual(answers.slice(0, 3).map((a) => a.pid));
    for (const answer of answers) {
      expect([answer.multiprocess, answer.multithread]).toEqual([true, false]);
      expect(answer.port).toBe(new URL(app.url).port);
    }
  });

  it('merges the records of every worker in arrival order, each naming its worker and pid', async () => {
    const app = await startPrefork(info);
    for (const path of ['/a', '/b', '/c']) expect(await get(app, path)).toMatchObject({ status: 200 });
    const records = await app.drainRecords();
    expect(records.map((r) => [r.environ.PATH_INFO, r.worker])).toEqual([['/a', 1], ['/b', 2], ['/c', 1]]);
    expect(records.map((r) => r.pid)).toEqual([app.workers()[0]!.pid, app.workers()[1]!.pid, app.workers()[0]!.pid]);
    expect(await app.drainRecords()).toEqual([]);
  });

  it('fresh() gives every worker a new app instance', async () => {
    const app = await startPrefork(info);
    for (let i = 0; i < 4; i++) await get(app, '/');
    await app.fresh();
    const counts = [];
    for (let i = 0; i < 2; i++) counts.push((await getJson<Info>(app, `/`)).body.count);
    expect(counts).toEqual([1, 1]);
  });

  it("labels each worker's output with the worker and its pid", async () => {
    const app = await startPrefork(info);
    await get(app, '/print');
    await get(app, '/print');
    const [one, two] = app.workers();
    await vi.waitFor(() => {
      const { stdout } = app.output();
      expect(stdout).toContain(`[worker 1, pid ${one!.pid}]\nprinted by worker 1\n`);
      expect(stdout).toContain(`[worker 2, pid ${two!.pid}]\nprinted by worker 2\n`);
    });
  });

  it('killWorker() replaces one worker; the pool serves throughout', async () => {
    const log: string[] = [];
    const app = await startPrefork(info, { log: (line) => log.push(line) });
    const before = app.workers()[0]!.pid!;
    await app.killWorker(1);
    expect(isGone(before)).toBe(true);
    expect(app.workers()[0]).toMatchObject({ index: 1, alive: true, restarts: 1 });
    expect(app.workers()[0]!.pid).not.toBe(before);
    expect(log).toEqual([`prefork: worker 1 (pid ${before}) killed on request; starting a new one`, `prefork: worker 1 (pid ${app.workers()[0]!.pid}) started`]);
    for (let i = 0; i < 2; i++) expect(await get(app, '/')).toMatchObject({ status: 200 });
  });

  it('close() lets a request in progress finish, then every worker is gone', async () => {
    const app = await startPrefork(info, { graceMs: 5_000 });
    const pids = app.workers().map((w) => w.pid!);
    const slow = get(app, '/slow?400', 10_000);
    // The request has reached its worker (its record is there) before the stop begins.
    await vi.waitFor(async () => expect((await app.drainRecords()).length).toBe(1));
    await app.close();
    expect(await slow).toMatchObject({ status: 200 });
    for (const pid of pids) expect(isGone(pid)).toBe(true);
    expect(app.alive).toBe(false);
    expect(await get(app, '/', 1000)).toHaveProperty('error');
  });

  it('an app that cannot load fails to start as an app process does', async () => {
    const broken = await prepared(writeFiles(join(work, 'src', 'broken'), { 'app.ts': 'export const x = 1;\n' }), join(work, 'out'));
    const error = await startPrefork(broken).then(() => undefined, (reason: unknown) => reason);
    expect(isAppStartError(error)).toBe(true);
    if (isAppStartError(error)) expect(error.failure.kind).toBe('load-error');
  });
});

describe('a prefork pool in the sandbox', () => {
  it('adds the extension keys to every environ, and lets the workers write only in writableDir', async () => {
    const data = tempDir('todo-wsgi-prefork-data-');
    const outside = join(tempDir('todo-wsgi-prefork-outside-'), 'nope.txt');
    const app = await startPrefork(info, { sandbox: true, writableDir: data, environ: { 'todo.database': join(data, 'todo.sqlite') } });
    for (let i = 0; i < 2; i++) expect((await getJson<Info>(app, `/`)).body.database).toBe(join(data, 'todo.sqlite'));
    // Both workers get the same grant, and only it.
    for (let i = 0; i < 2; i++) {
      expect((await getJson<{ written: boolean }>(app, `/write?${encodeURIComponent(join(data, `w${i}.txt`))}`)).body.written).toBe(true);
      expect((await getJson<{ written: boolean; code?: string }>(app, `/write?${encodeURIComponent(outside)}`)).body).toEqual({ written: false, code: 'ERR_ACCESS_DENIED' });
    }
    expect(existsSync(join(data, 'w0.txt')) && existsSync(join(data, 'w1.txt'))).toBe(true);
    expect(existsSync(outside)).toBe(false);
  });

  it.runIf(SQLITE)('workers share one database in writableDir, and killing a worker mid-run loses no row', async () => {
    const data = tempDir('todo-wsgi-prefork-db-');
    const app = await startPrefork(info, { workers: 2, sandbox: true, writableDir: data, environ: { 'todo.database': join(data, 'todo.sqlite') } });
    // Inserts one after the other while, meanwhile, worker 1 is killed (as a crash would) and replaced.
    let acknowledged = 0;
    let lost = 0;
    const inserting = (async () => {
      for (let i = 0; i < 30; i++) {
        try {
          if ((await getJson<{ n: number }>(app, `/sql`, { method: 'POST' })).status === 200) acknowledged++;
        } catch {
          lost++; // the request the dying worker held: never acknowledged, so nothing a client relied on
        }
      }
    })();
    await vi.waitFor(() => expect(acknowledged).toBeGreaterThanOrEqual(5));
    await app.killWorker(1);
    await inserting;
    expect(app.workers()[0]!.restarts).toBe(1);
    expect(acknowledged + lost).toBe(30);
    expect(lost).toBeLessThanOrEqual(1);
    const rows = (await getJson<{ n: number }>(app, `/sql`)).body.n;
    expect(rows).toBeGreaterThanOrEqual(acknowledged);
    // Every worker, the new one included, sees every row.
    for (let i = 0; i < 2; i++) expect((await getJson<{ n: number }>(app, `/sql`)).body.n).toBe(rows);
  });
});
