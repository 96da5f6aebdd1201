/**
 * The prefork server as the sandbox runs it: the master (servers/prefork/
 * arbiter.ts) in this trusted process — it must start processes, which the
 * sandbox denies to student code — and N workers, each a sandboxed app
 * process in worker mode (same permission flags, memory limit and output cap
 * as any app process) serving the connections the master hands over.
 *
 * To the grader the pool is one AppHandle: fresh() resets every worker, the
 * records of all workers come back merged in arrival order, each naming the
 * worker that served it.
 */
import type { Socket } from 'node:net';
import { Arbiter, type PreforkWorker, type WorkerInfo } from '../servers/prefork/arbiter.ts';
import type { LogSink } from '../servers/types.ts';
import { startAppProcess, type AppProcessHandle, type StartAppOptions } from './app-process.ts';
import type { CapturedOutput, ExitInfo, RequestRecord } from './types.ts';

export interface PreforkOptions extends StartAppOptions {
  /** Worker processes. Default 2. */
  workers?: number;
  /** A worker silent this long is killed and replaced. Default 10 s. */
  timeoutMs?: number;
  /** How long a graceful stop waits for each worker. Default 5 s. */
  graceMs?: number;
  /** The master's lines: workers started, exited, timed out. Default: none. */
  log?: LogSink;
}

export interface PreforkHandle extends AppProcessHandle {
  workers(): WorkerInfo[];
  /** Kill one worker as a crash would; resolves once its replacement serves. */
  killWorker(index: number): Promise<void>;
  /** Graceful stop of the whole pool (SIGTERM in gunicorn). */
  close(): Promise<void>;
}

/** Adapts an app process in worker mode to what the master needs. */
function asWorker(handle: AppProcessHandle, graceMs: number): PreforkWorker {
  return {
    pid: handle.pid,
    accept: (socket: Socket) => handle.handOff(socket),
    responsive: (withinMs) => handle.responsive(withinMs),
    exited: handle.exited,
    stop: () => handle.stop(graceMs),
    kill: () => handle.kill(),
  };
}

/** Start the master and its workers; rejects like startAppProcess() when the app cannot start. */
export async function startPreforkProcess(options: PreforkOptions): Promise<PreforkHandle> {
  const count = options.workers ?? 2;
  const graceMs = options.graceMs ?? 5_000;
  /** Every worker process started, by slot; the dead stay until their records and output are read. */
  const started: Array<{ index: number; handle: AppProcessHandle }> = [];
  const arbiter = await Arbiter.start({
    workers: count,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    admit: options.admit ?? 'own',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    graceMs,
    ...(options.log === undefined ? {} : { log: options.log }),
    spawn: async (index, port) => {
      const handle = await startAppProcess({ ...options, server: 'prefork', worker: index, port });
      started.push({ index, handle });
      return asWorker(handle, graceMs);
    },
  });

  let gone = false;
  let settleExit!: (info: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((resolve) => (settleExit = resolve));
  const end = async (how: () => Promise<void>): Promise<void> => {
    if (!gone) {
      gone = true;
      await how();
      await Promise.all(started.map(({ handle }) => handle.kill()));
      settleExit({ code: 0, signal: null, reason: 'the prefork pool was stopped' });
    }
    await exited;
  };
  const live = (): AppProcessHandle[] => started.filter(({ handle }) => handle.alive).map(({ handle }) => handle);

  return {
    url: arbiter.url,
    server: 'prefork',
    // The master's own process: it is the pool's face.
    pid: process.pid,
    get alive() {
      return !gone;
    },
    exited,
    async fresh(): Promise<void> {
      await Promise.all(live().map((handle) => handle.fresh()));
    },
    async responsive(withinMs: number): Promise<boolean> {
      if (gone) return false;
      const answers = await Promise.all(live().map((handle) => handle.responsive(withinMs)));
      return answers.every(Boolean);
    },
    async drainRecords(): Promise<RequestRecord[]> {
      const all = await Promise.all(started.map(async ({ index, handle }) => {
        const records = await handle.drainRecords();
        return records.map((record) => ({ ...record, worker: index, pid: handle.pid }));
      }));
      // Replaced workers have nothing more to say once drained.
      for (let i = started.length - 1; i >= 0; i--) if (!started[i]!.handle.alive) started.splice(i, 1);
      return all.flat().sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
    },
    output(): CapturedOutput {
      let stdout = '';
      let stderr = '';
      let truncated = false;
      for (const { index, handle } of started) {
        const out = handle.output();
        // Labelled per worker: several processes printed, and which one did matters here.
        if (out.stdout !== '') stdout += label(index, handle.pid, out.stdout);
        if (out.stderr !== '') stderr += label(index, handle.pid, out.stderr);
        truncated ||= out.truncated;
      }
      return { stdout, stderr, truncated };
    },
    connect: () => arbiter.connect(),
    handOff: () => false,
    stop: () => end(() => arbiter.close()),
    // The master stops first, so it replaces none of the workers it kills.
    kill: () => end(() => arbiter.close(0)),
    close: () => end(() => arbiter.close()),
    workers: () => arbiter.workers(),
    killWorker: (index) => arbiter.killWorker(index),
  };
}

function label(index: number, pid: number, text: string): string {
  return `[worker ${index}, pid ${pid}]\n${text.endsWith('\n') ? text : `${text}\n`}`;
}
