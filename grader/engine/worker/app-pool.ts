/**
 * The app processes of one (submission, server). A test borrows an idle
 * process (or starts one, up to `size`), resets the app with fresh(), and
 * gives it back; a hung or crashed process is thrown away instead, so the
 * next test starts on a clean one.
 *
 * Processes are shared by the groups of a submission rather than started
 * per group: fresh() already isolates tests, and a process start costs as
 * much CPU as 15–25 tests (measured: ~55 ms, nearly all of it Node's own
 * start, against 2–4 ms a test).
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreforkHandle } from '../../sandbox/prefork-process.ts';
import { startApp } from '../../sandbox/start-app.ts';
import type { AppHandle, AppStartFailure, CapturedOutput } from '../../sandbox/types.ts';
import type { ServerName } from '../../servers/names.ts';
import { attachRecords } from '../../suite/runtime/context.ts';
import type { GradingContext } from '../../suite/runtime/context.ts';
import { HangLedger } from '../../suite/runtime/hang-ledger.ts';
import { createClient, type AppClient } from '../../suite/runtime/http.ts';
import { Reachability } from './reachability.ts';
import { Semaphore } from './semaphore.ts';
import { errorMessage } from '../../common/error-message.ts';

export interface LiveApp {
  handle: AppHandle;
  client: AppClient;
  /** Tests that ran here, in order, whose records are not fetched yet (see settle()). */
  pending: GradingContext[];
  /** False until a test ran here: a new process needs no fresh(). */
  used: boolean;
  /** prefork: kill one worker as a crash would; resolves once its replacement serves. */
  restartWorker?: (worker: number) => Promise<void>;
}

/** prefork's workers for grading: two is enough for round robin to split a client's requests. */
export const GRADING_WORKERS = 2;

export interface PoolSettings {
  bundlePath: string;
  sourceDir: string;
  server: ServerName;
  startTimeoutMs: number;
  sandbox: boolean;
  /** Most processes at once (prefork: pools of workers). */
  size: number;
  /** host:port to connect to instead of each process (see GradeOptions.connectTo). */
  connectTo?: string;
}

/** The grader's reading of a startApp() rejection. */
export class StartFailed extends Error {
  override readonly name = 'StartFailed';
  readonly failure: AppStartFailure;
  constructor(failure: AppStartFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

const KINDS: ReadonlySet<string> = new Set(['load-error', 'start-timeout', 'exited']);

function isStartFailure(value: unknown): value is AppStartFailure {
  return typeof value === 'object' && value !== null
    && KINDS.has(String((value as AppStartFailure).kind)) && typeof (value as AppStartFailure).message === 'string';
}

/** The sandbox rejects with an error carrying {kind, message}, on the error itself or under `failure`. */
export function startFailureOf(error: unknown): AppStartFailure {
  if (isStartFailure(error)) return { kind: error.kind, message: error.message };
  const nested = typeof error === 'object' && error !== null ? (error as { failure?: unknown }).failure : undefined;
  if (isStartFailure(nested)) return { kind: nested.kind, message: nested.message };
  return { kind: 'exited', message: `the app process could not start: ${errorMessage(error)}` };
}

function isPrefork(handle: AppHandle): handle is PreforkHandle {
  return handle.server === 'prefork';
}

/**
 * Process starts are CPU-heavy: a worker starts only this many at once, so a
 * burst of starts cannot push each other past the start timeout.
 */
const starts = new Semaphore(2);

export class AppPool {
  /** What requests did to this pool's processes, across tests (see hang-ledger.ts). */
  readonly ledger = new HangLedger();
  /** Whether any request reached this pool's processes (see reachability.ts). */
  readonly reach: Reachability;
  private readonly idle: LiveApp[] = [];
  private readonly all = new Set<LiveApp>();
  private readonly slots: Semaphore;
  private readonly outputs: CapturedOutput[] = [];
  private readonly settings: PoolSettings;
  private failed: StartFailed | undefined;
  private warming: Promise<void> | undefined;
  /** prefork: the folder the workers may write, for the database every worker shares; removed by close(). */
  private dataDir: string | undefined;

  constructor(settings: PoolSettings) {
    this.settings = settings;
    this.slots = new Semaphore(settings.size);
    this.reach = new Reachability(settings.server);
  }

  /**
   * Start one process now, ahead of the first test: it boots while vitest is
   * still collecting the suites; `early`, one started already. A failure is
   * kept for the first acquire().
   */
  prestart(early?: Promise<AppHandle>): void {
    this.warming ??= this.start(early).then(
      (live) => {
        this.idle.push(live);
      },
      (error: unknown) => {
        this.failed ??= error instanceof StartFailed ? error : new StartFailed(startFailureOf(error));
      },
    );
  }

  /** Borrow a running app, starting one if none is idle. Rejects with StartFailed. */
  async acquire(): Promise<LiveApp> {
    await this.slots.acquire();
    try {
      await this.warming;
      // Tests that queued behind a failed start fail the same way, without trying again.
      if (this.failed !== undefined) throw this.failed;
      let live = this.idle.pop();
      while (live !== undefined && !live.handle.alive) {
        await this.discard(live);
        live = this.idle.pop();
      }
      return live ?? (await this.start());
    } catch (error) {
      this.slots.release();
      throw error;
    }
  }

  /** Give a healthy app back. */
  release(live: LiveApp): void {
    this.idle.push(live);
    this.slots.release();
  }

  /**
   * Give back a hung or dead app: it is killed, never reused. The records it
   * sent before it stopped are still delivered (an ended process needs no
   * round trip to hand them over).
   */
  async discard(live: LiveApp, borrowed = false): Promise<void> {
    if (this.all.delete(live)) {
      this.outputs.push(live.handle.output());
      await Promise.allSettled([live.client.destroy(), live.handle.kill()]);
      await this.settle(live);
    }
    if (borrowed) this.slots.release();
  }

  /**
   * Fetch the records of the tests that ran on `live` and hand them over:
   * once per process, when it ends — a round trip per test would cost more
   * than many tests do.
   */
  async settle(live: LiveApp): Promise<void> {
    const contexts = live.pending;
    live.pending = [];
    if (contexts.length === 0) return;
    const records = await live.handle.drainRecords().catch(() => []);
    this.reach.noteRecords(records.length);
    attachRecords(contexts, records);
  }

  /** Settle and kill every process (the submission is done). */
  async close(): Promise<void> {
    await this.warming;
    this.idle.length = 0;
    await Promise.allSettled([...this.all].map(async (live) => {
      if (live.handle.alive) await this.settle(live);
      await this.discard(live);
    }));
    if (this.dataDir !== undefined) rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
  }

  /** What every process of this pool printed, in order of their end. */
  output(): CapturedOutput[] {
    return [...this.outputs, ...[...this.all].map((live) => live.handle.output())];
  }

  private async start(early?: Promise<AppHandle>): Promise<LiveApp> {
    let handle: AppHandle | undefined;
    // A start can time out because the machine is busy rather than the app slow: try twice.
    for (let attempt = 1; handle === undefined; attempt++) {
      await starts.acquire();
      try {
        handle = await (attempt === 1 && early !== undefined ? early : this.startHandle());
      } catch (error) {
        const failure = startFailureOf(error);
        if (failure.kind !== 'start-timeout' || attempt >= 2) {
          this.failed = new StartFailed(failure);
          throw this.failed;
        }
      } finally {
        starts.release();
      }
    }
    // connectTo (tests of an unreachable app only): plain TCP to that address instead of the app's listener.
    const client = this.settings.connectTo === undefined ? createClient(handle.url, () => handle.connect()) : createClient(`http://${this.settings.connectTo}`);
    const live: LiveApp = { handle, client, pending: [], used: false };
    if (isPrefork(handle)) live.restartWorker = (worker) => handle.killWorker(worker);
    this.all.add(live);
    return live;
  }

  private startHandle(): Promise<AppHandle> {
    const options = {
      bundlePath: this.settings.bundlePath,
      sourceDir: this.settings.sourceDir,
      server: this.settings.server,
      validate: true,
      startTimeoutMs: this.settings.startTimeoutMs,
      sandbox: this.settings.sandbox,
    };
    if (this.settings.server !== 'prefork') return startApp(options);
    // One database folder per submission, kept across pool restarts: what survives a restart is the point of Level 4.
    this.dataDir ??= realpathSync(mkdtempSync(join(tmpdir(), 'todo-wsgi-db-')));
    return startApp({ ...options, workers: GRADING_WORKERS, dataDir: this.dataDir });
  }
}
