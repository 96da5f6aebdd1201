/**
 * startPreforkProcess(): the master here, each worker a sandboxed app
 * process. To the grader the pool is one handle: records of all workers
 * merged in arrival order, fresh() for every worker, output labelled per
 * worker. Each worker is confined as any app process is, except for the one
 * folder granted (writableDir), where workers share a database.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppStartError, startAppProcess } from '../../grader/sandbox/app-process.ts';
import type { PreforkHandle } from '../../grader/sandbox/prefork-process.ts';
import { ensureRuntimeBundle } from '../../grader/sandbox/runtime-bundle.ts';
import { TYPES, get, isGone, prepared, removeTemps, tempDir, writeFiles, type Ready } from './helpers.ts';
import { killPools, startPool, until, who, type Who } from './prefork-helpers.ts';

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
  return (await who(pool.url, path)) as Answer;
}

beforeAll(async () => {
  work = tempDir();
  writable = realpathSync(tempDir('todo-wsgi-prefork-writable-'));
  databasePath = join(writable, 'todo.sqlite');
  await ensureRuntimeBundle();
  logs = [];
  pool = await startPool(await submission('pool', POOL_APP), {
    workers: 2,
    writableDir: writable,
    environ: { 'todo.database': databasePath },
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await killPools();
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

  it('merges the records of all workers in arrival order, each naming its worker and pid', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await ask(`/record?${i}`));
    const records = await pool.drainRecords();
    expect(records.map((r) => r.environ.QUERY_STRING)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(records.map((r) => r.worker)).toEqual(answers.map((a) => a.worker));
    expect(records.map((r) => r.pid)).toEqual(answers.map((a) => a.pid));
    expect(new Set(records.map((r) => r.worker))).toEqual(new Set([1, 2]));
    const pids = pool.workers().map((w) => w.pid);
    for (const record of records) expect(record.pid).toBe(pids[record.worker! - 1]);
    for (let i = 1; i < records.length; i++) expect(records[i]!.at!).toBeGreaterThanOrEqual(records[i - 1]!.at!);
    expect(await pool.drainRecords()).toEqual([]);
  });

  it('fresh() gives every worker a new instance of the app', async () => {
    for (let i = 0; i < 4; i++) await ask('/');
    await pool.fresh();
    const answers = [await ask('/'), await ask('/')];
    expect(answers.map((a) => a.worker).sort()).toEqual([1, 2]);
    expect(answers.map((a) => a.count)).toEqual([1, 1]);
    await pool.drainRecords();
  });

  it("labels each worker's output with its index and pid", async () => {
    const first = await ask('/print?first');
    const second = await ask('/print?second');
    // The pipes are read as data comes: the answer may arrive before what was printed.
    await until(() => pool.output().stdout.includes('printed second\n'), "the second worker's output");
    const { stdout } = pool.output();
    expect(stdout).toMatch(new RegExp(`\\[worker ${first.worker}, pid ${first.pid}\\]\\n(?:.*\\n)*?printed first\\n`));
    expect(stdout).toMatch(new RegExp(`\\[worker ${second.worker}, pid ${second.pid}\\]\\n(?:.*\\n)*?printed second\\n`));
    // The master's own lines are not the app's output.
    expect(stdout).not.toContain('prefork:');
    await pool.drainRecords();
  });

  it('adds the extension keys it was given to every environ, on every worker', async () => {
    const answers = [await ask('/'), await ask('/')];
    expect(answers.map((a) => a.worker).sort()).toEqual([1, 2]);
    for (const answer of answers) expect(answer.database).toBe(databasePath);
    await pool.drainRecords();
  });

  it('lets each worker write inside its folder and nowhere else, and start no process', async () => {
    const outside = join(work, 'outside.txt');
    for (let round = 0; round < 2; round++) {
      const inside = join(writable, `inside-${round}.txt`);
      const wrote = await ask(`/write?${encodeURIComponent(inside)}`);
      expect(readFileSync(inside, 'utf8')).toBe(`written by worker ${wrote.worker}`);
      expect(await get(pool.url, `/write?${encodeURIComponent(outside)}`)).toMatchObject({ status: 500 });
      expect(await get(pool.url, '/spawn')).toMatchObject({ status: 500 });
    }
    expect(existsSync(outside)).toBe(false);
    const records = await pool.drainRecords();
    const denied = records.filter((r) => r.environ.PATH_INFO === '/spawn' || r.environ.QUERY_STRING === encodeURIComponent(outside));
    expect(denied).toHaveLength(4);
    // Each worker was refused, not just one of them.
    expect(new Set(denied.map((r) => r.worker))).toEqual(new Set([1, 2]));
    for (const record of denied) expect(record.errors[0]?.message).toMatch(/Access to this API has been restricted/);
  });

  it.runIf(SQLITE)('workers share one database file in the granted folder', async () => {
    for (const text of ['a', 'b', 'c', 'd']) await ask(`/add?${text}`);
    const lists = [await ask('/list'), await ask('/list')];
    expect(lists.map((l) => l.worker).sort()).toEqual([1, 2]);
    for (const list of lists) expect(list.rows?.map((r) => r.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(new Set(lists[0]!.rows!.map((r) => r.worker))).toEqual(new Set([1, 2]));
    await pool.drainRecords();
  });

  it.runIf(SQLITE)('killWorker() mid-run loses nothing the workers wrote to the database', async () => {
    const before = pool.workers()[0]!;
    await ask('/add?e');
    await ask('/add?f');
    // Killed while requests are in flight: what was answered is kept; what the dead worker held may be lost, never doubled.
    const burst = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const [answers] = await Promise.all([Promise.all(burst.map((text) => get(pool.url, `/add?${text}`))), pool.killWorker(1)]);
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
    expect(texts.slice(0, 6)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(texts.slice(-2)).toEqual(['g', 'h']);
    const middle = texts.slice(6, -2);
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
    expect(await get(pool.url, '/')).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/) });
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
    const pooled = await startPool(broken, { workers: 2, log: (line) => logs.push(line) }).then(
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
