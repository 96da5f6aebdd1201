/**
 * arbiter.ts with real workers: each a sandboxed app process in worker mode
 * (startAppProcess with server 'prefork'), started by a spawn function the
 * test controls, so it can make a start fail or wait. The master hands each
 * connection to the next worker, replaces one that dies or stops answering
 * the heartbeat, gives up a slot that keeps failing to start, keeps
 * connections waiting while no worker is up, and stops gracefully.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppProcess, type AppProcessHandle } from '../../../grader/sandbox/app-process.ts';
import { ensureRuntimeBundle } from '../../../grader/sandbox/runtime-bundle.ts';
import { Arbiter, type ArbiterOptions, type PreforkWorker, type SpawnWorker } from '../../../grader/servers/prefork/arbiter.ts';
import { get, isGone, prepared, removeTemps, tempDir, writeFiles, type Ready } from '../../sandbox/helpers.ts';
import { WHO_APP, until, who } from '../../sandbox/prefork-helpers.ts';
import { RawClient } from '../socket/helpers.ts';

let work: string;
let whoApp: Ready;
let broken: Ready;
/** Every worker process any test started: killed at the end whatever happened. */
const processes = new Set<AppProcessHandle>();
const arbiters = new Set<Arbiter>();

/** A worker process for slot `index` running `submission`, adapted as prefork-process.ts does. */
async function realWorker(submission: Ready, index: number, port: number): Promise<PreforkWorker> {
  const handle = await startAppProcess({ bundlePath: submission.bundlePath, sourceDir: submission.sourceDir, server: 'prefork', validate: true, worker: index, port });
  processes.add(handle);
  return {
    pid: handle.pid,
    accept: (socket) => handle.handOff(socket),
    responsive: (withinMs) => handle.responsive(withinMs),
    exited: handle.exited,
    stop: () => handle.stop(2_000),
    kill: () => handle.kill(),
  };
}

/** Spawn what `choose` says for each slot's n-th start (1-based): a submission to run, or an error to throw. */
function spawner(choose: (index: number, attempt: number) => Ready | Error | Promise<Ready | Error>): SpawnWorker {
  const attempts = new Map<number, number>();
  return async (index, port) => {
    const attempt = (attempts.get(index) ?? 0) + 1;
    attempts.set(index, attempt);
    const chosen = await choose(index, attempt);
    if (chosen instanceof Error) throw chosen;
    return realWorker(chosen, index, port);
  };
}

async function startArbiter(options: Partial<ArbiterOptions> & { spawn: SpawnWorker }): Promise<{ arbiter: Arbiter; logs: string[] }> {
  const logs: string[] = [];
  const arbiter = await Arbiter.start({ workers: 2, log: (line) => logs.push(line), ...options });
  arbiters.add(arbiter);
  return { arbiter, logs };
}

/** Resolves with the worker process that starts the next /slow request (it prints when it does). */
async function nextSlow(): Promise<AppProcessHandle> {
  const handles = [...processes].filter((handle) => handle.alive);
  const seen = (handle: AppProcessHandle): number => handle.output().stdout.split('slow request started').length;
  const before = handles.map(seen);
  let busy: AppProcessHandle | undefined;
  await until(() => (busy = handles.find((handle, i) => seen(handle) > before[i]!)) !== undefined, 'the slow request to reach the app');
  return busy!;
}

/** The slot's worker is up and is not `pid` (it was replaced). */
function replaced(arbiter: Arbiter, index: number, pid: number): boolean {
  const info = arbiter.workers()[index - 1]!;
  return info.alive && info.pid !== pid;
}

beforeAll(async () => {
  work = tempDir();
  await ensureRuntimeBundle();
  whoApp = await prepared(writeFiles(join(work, 'src', 'who'), { 'app.ts': WHO_APP }), join(work, 'out'));
  broken = await prepared(writeFiles(join(work, 'src', 'broken'), { 'app.ts': "throw new Error('broken at import');\nexport {};\n" }), join(work, 'out'));
});

afterAll(async () => {
  await Promise.all([...arbiters].map((arbiter) => arbiter.close(0)));
  await Promise.all([...processes].map((handle) => handle.kill()));
  removeTemps();
});

describe('a pool of two workers', () => {
  let arbiter: Arbiter;
  let logs: string[];
  beforeAll(async () => {
    ({ arbiter, logs } = await startArbiter({ spawn: spawner(() => whoApp), timeoutMs: 3_000 }));
  });

  it('hands consecutive connections to each worker in turn', async () => {
    expect(arbiter.url).toBe(`http://127.0.0.1:${arbiter.port}`);
    const served: number[] = [];
    for (let i = 0; i < 6; i++) served.push((await who(arbiter.url)).worker);
    expect(new Set(served)).toEqual(new Set([1, 2]));
    for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
    // Each worker is one process, which answers as the master reports it.
    const pids = arbiter.workers().map((w) => w.pid);
    expect(arbiter.live().map((w) => w.pid)).toEqual(pids);
    const answer = await who(arbiter.url);
    expect(answer.pid).toBe(pids[answer.worker - 1]);
    expect(answer.multiprocess).toBe(true);
  });

  it('serves a burst of concurrent connections, each answered once', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => who(arbiter.url, `/burst?${i}`)));
    expect(answers.map((a) => a.query).sort()).toEqual(Array.from({ length: 40 }, (_, i) => String(i)).sort());
    expect(new Set(answers.map((a) => a.worker))).toEqual(new Set([1, 2]));
  });

  it('connections handed to a busy worker wait for it; none is given to two workers', async () => {
    const started = nextSlow();
    const slow = who(arbiter.url, '/slow');
    await started;
    // Half of these go to the worker that is blocked in the app; they queue behind it.
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => who(arbiter.url, `/queued?${i}`)));
    const busy = await slow;
    expect(answers.map((a) => a.query).sort()).toEqual(Array.from({ length: 10 }, (_, i) => String(i)).sort());
    // Strict turns: the busy worker served its five after the slow one, the other worker the rest.
    const queued = answers.filter((a) => a.worker === busy.worker);
    expect(queued).toHaveLength(5);
    for (const answer of queued) expect(answer.count).toBeGreaterThan(busy.count);
  });

  it('replaces a worker that dies, and says so; serving goes on', async () => {
    const [first] = arbiter.workers();
    process.kill(first!.pid!, 'SIGKILL');
    await until(() => replaced(arbiter, 1, first!.pid!), 'worker 1 to be replaced');
    expect(isGone(first!.pid!)).toBe(true);
    const info = arbiter.workers()[0]!;
    expect(info.restarts).toBe(1);
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^prefork: worker 1 \\(pid ${first!.pid}\\) exited: .*; starting a new one$`)));
    expect(logs).toContain(`prefork: worker 1 (pid ${info.pid}) started`);
    const answers = [await who(arbiter.url), await who(arbiter.url)];
    expect(answers.map((a) => a.worker).sort()).toEqual([1, 2]);
    expect(answers.find((a) => a.worker === 1)?.pid).toBe(info.pid);
  });

  it('connections handed to a worker that dies before serving them are closed, not left hanging', async () => {
    const started = nextSlow();
    const slow = get(arbiter, '/slow');
    const busy = await started;
    const index = arbiter.workers().find((w) => w.pid === busy.pid)!.index;
    // Half of these queue behind the slow request, on the worker about to die; the other half are answered.
    let answered = 0;
    const burst = Promise.all(Array.from({ length: 6 }, (_, i) => get(arbiter, `/doomed?${i}`).finally(() => (answered += 1))));
    await until(() => answered >= 3, 'the other worker to answer its share');
    process.kill(busy.pid, 'SIGKILL');
    const answers = [await slow, ...(await burst)];
    const lost = answers.filter((answer) => 'error' in answer);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    // Each lost one was reset by the master, not abandoned until the client gave up.
    for (const answer of lost) expect(answer).toMatchObject({ error: expect.not.stringMatching(/Timeout/) });
    expect(answers.filter((answer) => 'status' in answer && answer.status === 200)).toHaveLength(answers.length - lost.length);
    await until(() => replaced(arbiter, index, busy.pid), 'the dead worker to be replaced');
  });

  it('killWorker() replaces the worker and resolves once the new one serves', async () => {
    const before = arbiter.workers()[1]!;
    await arbiter.killWorker(2);
    const after = arbiter.workers()[1]!;
    expect(after).toMatchObject({ index: 2, alive: true, restarts: before.restarts + 1 });
    expect(after.pid).not.toBe(before.pid);
    expect(isGone(before.pid!)).toBe(true);
    expect(logs).toContain(`prefork: worker 2 (pid ${before.pid}) killed on request; starting a new one`);
    await expect(arbiter.killWorker(3)).rejects.toThrow(RangeError);
  });

  it('kills a worker stuck in a handler when it misses the heartbeat; the other keeps serving', async () => {
    const pids = arbiter.workers().map((w) => w.pid!);
    const stuck = get(arbiter, '/loop', 20_000);
    // The next connection goes to the other worker, which answers while the first spins.
    const other = await who(arbiter.url);
    const stuckIndex = other.worker === 1 ? 2 : 1;
    await until(() => replaced(arbiter, stuckIndex, pids[stuckIndex - 1]!), `the stuck worker ${stuckIndex} to be replaced`);
    // Its client lost the connection: nothing was ever answered.
    expect(await stuck).toHaveProperty('error');
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^prefork: worker ${stuckIndex} \\(pid ${pids[stuckIndex - 1]}\\) timed out \\(no answer to the heartbeat within 3 s`)));
    // The other worker was left alone.
    expect(arbiter.workers()[other.worker - 1]!.pid).toBe(pids[other.worker - 1]);
    const answers = [await who(arbiter.url), await who(arbiter.url)];
    expect(answers.map((a) => a.worker).sort()).toEqual([1, 2]);
  });

  it('close() lets a request in progress finish, then every worker is gone and the port is closed', async () => {
    const pids = arbiter.workers().map((w) => w.pid!);
    const started = nextSlow();
    const slow = who(arbiter.url, '/slow');
    await started;
    await arbiter.close();
    expect(await slow).toMatchObject({ path: '/slow' });
    for (const pid of pids) expect(isGone(pid)).toBe(true);
    expect(arbiter.live()).toEqual([]);
    expect(await get(arbiter, '/')).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('starting and stopping workers', () => {
  it('gives up a slot whose worker fails to start three times, and serves with the others', async () => {
    // Slot 2 starts once, then its app no longer loads.
    const { arbiter, logs } = await startArbiter({ spawn: spawner((index, attempt) => (index === 2 && attempt > 1 ? broken : whoApp)) });
    await arbiter.killWorker(2);
    expect(arbiter.workers()[1]).toMatchObject({ index: 2, alive: false, pid: undefined });
    expect(logs.filter((line) => line.startsWith('prefork: worker 2 could not start: app.ts threw while loading'))).toHaveLength(3);
    expect(logs).toContain('prefork: worker 2 failed to start 3 times; running without it');
    const answers = [await who(arbiter.url), await who(arbiter.url), await who(arbiter.url)];
    expect(answers.map((a) => a.worker)).toEqual([1, 1, 1]);
    await arbiter.close();
  });

  it('a worker that cannot start at all: start() rejects with its error, and leaves nothing running', async () => {
    const before = new Set(processes);
    const failure = new Error('slot 1 cannot start');
    await expect(Arbiter.start({ workers: 2, spawn: spawner((index) => (index === 1 ? failure : whoApp)) })).rejects.toBe(failure);
    // Slot 2's worker was still starting when slot 1 failed: it must not outlive the pool.
    const others = [...processes].filter((handle) => !before.has(handle));
    expect(others).toHaveLength(1);
    expect(others[0]!.alive).toBe(false);
    expect(isGone(others[0]!.pid)).toBe(true);
  });

  it('close() returns when every worker that was handed a connection has died since', async () => {
    const { arbiter } = await startArbiter({ workers: 1, spawn: spawner(() => whoApp) });
    const first = await who(arbiter.url);
    await arbiter.killWorker(1);
    // The replacement never got a connection: only dead processes ever held one.
    expect(arbiter.workers()[0]!.pid).not.toBe(first.pid);
    await arbiter.close();
    expect(arbiter.live()).toEqual([]);
    expect(await get(arbiter, '/')).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('a connection that comes while no worker is up waits, and is served by the next one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The replacement of the only worker waits for the test.
    const { arbiter } = await startArbiter({
      workers: 1,
      spawn: spawner(async (_index, attempt) => {
        if (attempt > 1) await gate;
        return whoApp;
      }),
    });
    const [only] = arbiter.workers();
    process.kill(only!.pid!, 'SIGKILL');
    await until(() => !arbiter.workers()[0]!.alive, 'the worker to be gone');
    // The request is sent in full while no worker exists: the master keeps it unread.
    const client = await RawClient.open(arbiter.port);
    client.write('GET /waited HTTP/1.1\r\nHost: x\r\n\r\n');
    const meanwhile = who(arbiter.url, '/also-waited');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(arbiter.live()).toEqual([]);
    expect(client.closed).toBe(false);
    release();
    const response = await client.response();
    expect(response.status).toBe(200);
    const answer = JSON.parse(response.body.toString()) as { path: string; pid: number };
    expect(answer.path).toBe('/waited');
    expect(answer.pid).toBe(arbiter.workers()[0]!.pid);
    expect(await meanwhile).toMatchObject({ path: '/also-waited', worker: 1 });
    client.destroy();
    await arbiter.close();
  });
});
