/**
 * The prefork master, after gunicorn's Arbiter: it listens, keeps N worker
 * processes running, and hands each accepted connection to the next worker
 * in turn (round robin, as node:cluster's SCHED_RR). It never runs the app
 * itself, so it can live in a trusted process while the workers are
 * sandboxed. It knows workers only through PreforkWorker, so whoever starts
 * them (grader/sandbox/prefork-process.ts) decides how.
 *
 * - A worker that exits is replaced (gunicorn's reap_workers/manage_workers);
 *   one that keeps dying at start is given up after a few tries.
 * - A worker that stops answering the heartbeat within `timeoutMs` is killed
 *   and replaced (gunicorn's "WORKER TIMEOUT": a handler that never returns).
 * - close() is the graceful stop (SIGTERM/SIGINT in gunicorn): stop
 *   accepting, let each worker finish what it serves, kill stragglers.
 */
import type { Socket } from 'node:net';
import { Gate, type Admission } from '../common/gate.ts';
import type { LogSink } from '../types.ts';
import { errorMessage } from '../../common/error-message.ts';

/** What the master needs of one worker process. */
export interface PreforkWorker {
  readonly pid: number;
  /** Pass an accepted (paused) connection to the worker; false when it could not take it. */
  accept(socket: Socket): boolean;
  /** True when the worker answers within `withinMs`: its event loop is not stuck in the app. */
  responsive(withinMs: number): Promise<boolean>;
  /** Settles when the process has ended, with the reason in one line. */
  readonly exited: Promise<{ reason: string }>;
  /** Finish what it serves, then exit; resolves once gone (the caller kills it after its grace). */
  stop(): Promise<void>;
  /** End it now (SIGKILL); resolves once gone. */
  kill(): Promise<void>;
}

/**
 * Start worker number `index` (1-based); resolves once it is ready to take
 * connections. `port` is the master's: what the worker reports as SERVER_PORT.
 */
export type SpawnWorker = (index: number, port: number) => Promise<PreforkWorker>;

export interface ArbiterOptions {
  workers: number;
  spawn: SpawnWorker;
  host?: string;
  /** 0 (the default): any free port. */
  port?: number;
  /** Who may connect (common/gate.ts): 'any' (the default), or 'own' — only connect()'s connections. */
  admit?: Admission;
  /** Heartbeat timeout: a worker silent this long is killed and replaced. Default 10 s. */
  timeoutMs?: number;
  /** How long close() lets workers finish before killing them. Default 5 s. */
  graceMs?: number;
  /** One line per worker event (started, exited, timed out, replaced). Default: none. */
  log?: LogSink;
}

export interface WorkerInfo {
  index: number;
  pid: number | undefined;
  alive: boolean;
  /** How many times this slot's worker was replaced. */
  restarts: number;
}

/** Connections waiting for a worker while none is up; more are refused. */
const MAX_WAITING = 128;
/** A slot whose worker fails to start this many times in a row is given up. */
const MAX_START_FAILURES = 3;

interface Slot {
  index: number;
  worker: PreforkWorker | undefined;
  starting: Promise<void> | undefined;
  restarts: number;
  failures: number;
  /** Set while the master itself ends this worker (killWorker, timeout): no extra log line. */
  ending?: string | undefined;
}

export class Arbiter {
  private readonly slots: Slot[];
  private readonly waiting: Socket[] = [];
  private next = 0;
  private closing = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly log: LogSink;
  private readonly timeoutMs: number;

  private gate!: Gate;

  private constructor(private readonly options: ArbiterOptions) {
    this.log = options.log ?? (() => {});
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.slots = Array.from({ length: options.workers }, (_, i) => ({ index: i + 1, worker: undefined, starting: undefined, restarts: 0, failures: 0 }));
  }

  /**
   * Listen, then start every worker; resolves when all are ready. If one
   * cannot start (the app does not load), everything is stopped and the
   * worker's error is thrown: the same error every worker would hit.
   */
  static async start(options: ArbiterOptions): Promise<Arbiter> {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, not ${options.workers}`);
    const arbiter = new Arbiter(options);
    // The gate accepts paused: no byte is read here, so the worker gets the whole request.
    arbiter.gate = await Gate.open({
      admit: options.admit ?? 'any',
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      onConnection: (socket) => arbiter.dispatch(socket),
    });
    // Every start settles before a failure is reported: a worker still starting when another failed
    // would otherwise come up after close() and outlive the pool.
    const starts = await Promise.allSettled(arbiter.slots.map(async (slot) => {
      slot.worker = await options.spawn(slot.index, arbiter.port);
      arbiter.watch(slot, slot.worker);
    }));
    const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
    if (failed !== undefined) {
      await arbiter.close();
      throw failed.reason;
    }
    arbiter.startHeartbeat();
    return arbiter;
  }

  /** e.g. "http://127.0.0.1:40123" */
  get url(): string {
    return this.gate.url;
  }

  get port(): number {
    return this.gate.port;
  }

  /** A connection the master admits whoever it admits (the grader's own client). */
  connect(): Socket {
    return this.gate.connect();
  }

  workers(): WorkerInfo[] {
    return this.slots.map((slot) => ({ index: slot.index, pid: slot.worker?.pid, alive: slot.worker !== undefined, restarts: slot.restarts }));
  }

  /** The live workers, in index order. */
  live(): PreforkWorker[] {
    return this.slots.flatMap((slot) => (slot.worker === undefined ? [] : [slot.worker]));
  }

  /** Kill worker `index` as a crash would; resolves once its replacement is ready. */
  async killWorker(index: number): Promise<void> {
    const slot = this.slots[index - 1];
    if (slot === undefined) throw new RangeError(`there is no worker ${index} (workers 1 to ${this.slots.length})`);
    const worker = slot.worker;
    if (worker !== undefined) {
      slot.ending = 'killed on request';
      await worker.kill();
    }
    await this.settled(slot);
  }

  /** Resolves when the slot's worker is up again (or given up). */
  private async settled(slot: Slot): Promise<void> {
    // The exit handler runs after kill() resolves; let it start the replacement first.
    await new Promise((resolve) => setImmediate(resolve));
    while (slot.starting !== undefined) await slot.starting;
  }

  /** Graceful stop: no new connection; workers finish, then are killed after the grace (0: at once). */
  async close(graceMs = this.options.graceMs ?? 5_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    // Stops listening now; the workers' own stop() is what lets their connections finish.
    this.gate.close();
    for (const socket of this.waiting.splice(0)) socket.destroy();
    await Promise.allSettled(this.slots.map((slot) => slot.starting));
    const workers = this.live();
    await Promise.all(workers.map(async (worker) => {
      if (graceMs <= 0) return worker.kill();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, graceMs, 'late')));
      const outcome = await Promise.race([worker.stop().then(() => 'done' as const), late]);
      clearTimeout(timer);
      if (outcome === 'late') await worker.kill();
    }));
  }

  /** Round robin over the live workers; with none up, the connection waits for one (bounded). */
  private dispatch(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    // A reset before a worker took it: nothing to serve, and no crash either.
    socket.on('error', () => socket.destroy());
    for (let tries = 0; tries < this.slots.length; tries++) {
      const slot = this.slots[this.next]!;
      this.next = (this.next + 1) % this.slots.length;
      if (slot.worker !== undefined && slot.worker.accept(socket)) return;
    }
    if (this.waiting.length >= MAX_WAITING) socket.destroy();
    else this.waiting.push(socket);
  }

  private watch(slot: Slot, worker: PreforkWorker): void {
    slot.failures = 0;
    for (const socket of this.waiting.splice(0)) this.dispatch(socket);
    void worker.exited.then(({ reason }) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      if (this.closing) return;
      this.log(`prefork: worker ${slot.index} (pid ${worker.pid}) ${slot.ending ?? `exited: ${reason}`}; starting a new one`);
      slot.ending = undefined;
      slot.restarts++;
      this.respawn(slot);
    });
  }

  private respawn(slot: Slot): void {
    slot.starting = (async () => {
      while (!this.closing && slot.failures < MAX_START_FAILURES) {
        try {
          const worker = await this.options.spawn(slot.index, this.port);
          if (this.closing) {
            await worker.kill();
            return;
          }
          slot.worker = worker;
          this.watch(slot, worker);
          this.log(`prefork: worker ${slot.index} (pid ${worker.pid}) started`);
          return;
        } catch (error) {
          slot.failures++;
          this.log(`prefork: worker ${slot.index} could not start: ${errorMessage(error)}`);
        }
      }
      if (!this.closing) this.log(`prefork: worker ${slot.index} failed to start ${MAX_START_FAILURES} times; running without it`);
      if (this.live().length === 0) for (const socket of this.waiting.splice(0)) socket.destroy();
    })().finally(() => {
      slot.starting = undefined;
    });
  }

  /** gunicorn's murder_workers: a worker silent for timeoutMs is stuck in the app; kill it, the exit handler replaces it. */
  private startHeartbeat(): void {
    const busy = new Set<PreforkWorker>();
    this.heartbeat = setInterval(() => {
      for (const slot of this.slots) {
        const worker = slot.worker;
        if (worker === undefined || busy.has(worker)) continue;
        busy.add(worker);
        void worker.responsive(this.timeoutMs).then(async (ok) => {
          busy.delete(worker);
          if (ok || slot.worker !== worker || this.closing) return;
          slot.ending = `timed out (no answer to the heartbeat within ${this.timeoutMs / 1000} s: a handler that never returns?)`;
          await worker.kill();
        });
      }
    }, Math.max(100, Math.min(1_000, this.timeoutMs / 2)));
    this.heartbeat.unref();
  }
}
