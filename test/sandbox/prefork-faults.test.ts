/**
 * A prefork pool under faults and confinement, one pool for the file: every
 * worker is refused what an app process is refused; a worker killed during a
 * burst of writes loses no acknowledged row and leaves no client waiting;
 * kill() ends all; a load error is the one an app process gives.
 * (prefork-process.test.ts covers the pool's ordinary behaviour.)
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppStartError, startAppProcess } from '../../grader/sandbox/app-process.ts';
import type { PreforkHandle } from '../../grader/sandbox/prefork-process.ts';
import { ensureRuntimeBundle } from '../../grader/sandbox/runtime-bundle.ts';
import { TYPES, get, isGone, killAll, prepared, removeTemps, startPrefork, tempDir, writeFiles, type Ready } from './helpers.ts';
import { until, who, type Who } from './prefork-helpers.ts';

const SQLITE = process.getBuiltinModule('node:sqlite') !== undefined;

/** Says who served it; writes, spawns and uses the shared database on request. */
const POOL_APP = `${TYPES}
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

interface Statement { run(...values: unknown[]): unknown; all(): unknown[] }
interface Database { exec(sql: string): void; prepare(sql: string): Statement }
interface Sqlite { DatabaseSync: new (path: string) => Database }

let count = 0;
let db: Database | undefined;
function database(path: string): Database {
  if (db === undefined) {
    const sqlite = process.getBuiltinModule('node:sqlite') as Sqlite;
    db = new sqlite.DatabaseSync(path);
    db.exec('PRAGMA busy_timeout = 5000; CREATE TABLE IF NOT EXISTS items (text TEXT NOT NULL, worker INTEGER NOT NULL)');
  }
  return db;
}

export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  count += 1;
  const path = environ.PATH_INFO ?? '';
  const query = decodeURIComponent(environ.QUERY_STRING ?? '');
  const file = String(environ['todo.database']);
  let rows: unknown[] | null = null;
  if (path === '/print') console.log('printed ' + query);
  if (path === '/write') writeFileSync(query, 'written by worker ' + String(environ['prefork.worker']));
  if (path === '/spawn') execFileSync('true');
  if (path === '/add') database(file).prepare('INSERT INTO items (text, worker) VALUES (?, ?)').run(query, environ['prefork.worker']);
  if (path === '/list') rows = database(file).prepare('SELECT text, worker FROM items ORDER BY rowid').all();
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  const answer = { worker: environ['prefork.worker'], pid: process.pid, count, path, query, database: environ['todo.database'] ?? null, rows };
  return [new TextEncoder().encode(JSON.stringify(answer))];
}
`;

type Answer = Who & { rows: Array<{ text: string; worker: number }> | null };

let work: string;
let writable: string;
let databasePath: string;
let pool: PreforkHandle;
let logs: string[];

async function submission(name: string, source: string): Promise<Ready> {
  return prepared(writeFiles(join(work, 'src', name), { 'app.ts': source }), join(work, 'out'));
}

async function ask(path: string): Promise<Answer> {
  return (await who(pool, path)) as Answer;
}

beforeAll(async () => {
  work = tempDir();
  writable = realpathSync(tempDir('todo-wsgi-prefork-writable-'));
  databasePath = join(writable, 'todo.sqlite');
  await ensureRuntimeBundle();
  logs = [];
  pool = await startPrefork(await submission('pool', POOL_APP), {
    workers: 2,
    writableDir: writable,
    environ: { 'todo.database': databasePath },
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await killAll();
  removeTemps();
});

describe('a prefork pool of sandboxed workers', () => {
  it('is one handle: the master is this process, and both workers serve', async () => {
    expect(pool.server).toBe('prefork');
    expect(pool.pid).toBe(process.pid);
    expect(pool.alive).toBe(true);
    expect(pool.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(pool.workers().map((w) => ({ index: w.index, alive: w.alive }))).toEqual([
      { index: 1, alive: true },
      { index: 2, alive: true },
    ]);
    expect(await pool.responsive(2_000)).toBe(true);
    await pool.drainRecords();
  });

  it('lets each worker write inside its folder and nowhere else, and start no process', async () => {
    const outside = join(work, 'outside.txt');
    for (let round = 0; round < 2; round++) {
      const inside = join(writable, `inside-${round}.txt`);
      const wrote = await ask(`/write?${encodeURIComponent(inside)}`);
      expect(readFileSync(inside, 'utf8')).toBe(`written by worker ${wrote.worker}`);
      expect(await get(pool, `/write?${encodeURIComponent(outside)}`)).toMatchObject({ status: 500 });
      expect(await get(pool, '/spawn')).toMatchObject({ status: 500 });
    }
    expect(existsSync(outside)).toBe(false);
    const records = await pool.drainRecords();
    const denied = records.filter((r) => r.environ.PATH_INFO === '/spawn' || r.environ.QUERY_STRING === encodeURIComponent(outside));
    expect(denied).toHaveLength(4);
    // Each worker was refused, not just one of them.
    expect(new Set(denied.map((r) => r.worker))).toEqual(new Set([1, 2]));
    for (const record of denied) expect(record.errors[0]?.message).toMatch(/Access to this API has been restricted/);
  });

  it.runIf(SQLITE)('killWorker() mid-run loses nothing the workers wrote to the database', async () => {
    const before = pool.workers()[0]!;
    await ask('/add?e');
    await ask('/add?f');
    // Killed while requests are in flight: what was answered is kept; what the dead worker held may be lost, never doubled.
    const burst = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const [answers] = await Promise.all([Promise.all(burst.map((text) => get(pool, `/add?${text}`))), pool.killWorker(1)]);
    // A connection the dead worker never answered is closed, not left open with nobody to serve it.
    for (const answer of answers) if ('error' in answer) expect(answer.error).not.toMatch(/Timeout/);
    const acknowledged = burst.filter((_, i) => 'status' in answers[i]! && (answers[i] as { status: number }).status === 200);
    expect(isGone(before.pid!)).toBe(true);
    expect(pool.workers()[0]).toMatchObject({ index: 1, alive: true, restarts: before.restarts + 1 });
    expect(logs).toContain(`prefork: worker 1 (pid ${before.pid}) killed on request; starting a new one`);
    await ask('/add?g');
    await ask('/add?h');
    const lists = [await ask('/list'), await ask('/list')];
    expect(lists.map((l) => l.worker).sort()).toEqual([1, 2]);
    const texts = lists[0]!.rows!.map((r) => r.text);
    expect(lists[1]!.rows!.map((r) => r.text)).toEqual(texts);
    expect(texts.slice(0, 2)).toEqual(['e', 'f']);
    expect(texts.slice(-2)).toEqual(['g', 'h']);
    const middle = texts.slice(2, -2);
    for (const text of acknowledged) expect(middle).toContain(text);
    expect(new Set(middle).size).toBe(middle.length);
    for (const text of middle) expect(burst).toContain(text);
    const expected = texts;
    // The file itself, read here after both workers wrote to it.
    const sqlite = process.getBuiltinModule('node:sqlite') as { DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => { prepare(sql: string): { all(): unknown[] }; close(): void } };
    const db = new sqlite.DatabaseSync(databasePath, { readOnly: true });
    try {
      expect((db.prepare('SELECT text FROM items ORDER BY rowid').all() as Array<{ text: string }>).map((r) => r.text)).toEqual(expected);
    } finally {
      db.close();
    }
    // The records of the worker that was killed are still handed over, then forgotten.
    const records = await pool.drainRecords();
    expect(records.some((r) => r.pid === before.pid)).toBe(true);
    expect((await pool.drainRecords()).some((r) => r.pid === before.pid)).toBe(false);
  });

  it('kill() ends the master and every worker at once', async () => {
    const pids = pool.workers().map((w) => w.pid!);
    await pool.kill();
    expect(pool.alive).toBe(false);
    expect((await pool.exited).reason).toBe('the prefork pool was stopped');
    for (const pid of pids) expect(isGone(pid)).toBe(true);
    expect(await get(pool, '/')).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/) });
    expect(await pool.responsive(500)).toBe(false);
  });
});

describe('a prefork pool that cannot start', () => {
  it('rejects with the AppStartError an app process gives for a load error, and leaves no worker behind', async () => {
    const broken = await submission('broken', `${TYPES}\nthrow new Error('broken at import');\nexport function application(_e: Environ, s: StartResponse): ResponseBody { s('200 OK', []); return []; }\n`);
    const single = await startAppProcess({ bundlePath: broken.bundlePath, sourceDir: broken.sourceDir, server: 'socket', validate: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const logs: string[] = [];
    const pooled = await startPrefork(broken, { workers: 2, log: (line) => logs.push(line) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!isAppStartError(single) || !isAppStartError(pooled)) throw new Error(`expected AppStartErrors, got ${String(single)} and ${String(pooled)}`);
    expect(pooled.failure).toEqual(single.failure);
    expect(pooled.failure).toMatchObject({ kind: 'load-error', message: expect.stringMatching(/^app\.ts threw while loading: Error: broken at import \(app\.ts:\d+:\d+\)$/) });
    expect(pooled.message).toBe(single.message);
    await until(() => isGone(pooled.pid!), 'the failed worker to be gone');
  });
});
