/**
 * The grader's side of the runner process: start it (early, so vitest loads
 * while submissions are being prepared), hand it entry files, receive one
 * ModuleReport per submission, close it.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { ModuleReport, RunnerCommand, RunnerMessage, RunnerSettings } from '../protocol.ts';
import { runnerBundle } from './bundle.ts';
import { takePrestarted } from './prestarted.ts';

/** Characters of the runner's stderr kept to explain a failure. */
const STDERR_TAIL = 4000;

interface ActiveRun {
  onModule: (report: ModuleReport) => void;
  resolve: (errors: string[]) => void;
  reject: (error: Error) => void;
}

export class RunnerSession {
  private child: ChildProcess | undefined;
  private readonly ready: Promise<void>;
  private active: ActiveRun | undefined;
  private stderr = '';
  private exited = false;
  private isReady = false;
  private closing = false;
  private readonly bundled: Promise<string>;

  constructor(settings: RunnerSettings) {
    this.bundled = runnerBundle();
    this.ready = this.start(settings);
    // Observed later by run(); never an unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  /** True once vitest has loaded and waits for files. */
  get isStarted(): boolean {
    return this.isReady;
  }

  /** The runner process's id, once it is started (or adopted: see prestarted.ts). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Run the entry files; resolves with vitest's unhandled errors once every module is reported. */
  async run(files: string[], onModule: (report: ModuleReport) => void): Promise<string[]> {
    await this.ready;
    if (this.active !== undefined) throw new Error('the runner is already running');
    const child = this.child;
    if (child === undefined || this.exited) throw this.died();
    return new Promise<string[]>((resolve, reject) => {
      this.active = { onModule, resolve, reject };
      child.send({ type: 'run', files } satisfies RunnerCommand);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.bundled.catch(() => undefined);
    const child = this.child;
    if (child === undefined || this.exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Never used (e.g. a usage error): no need to wait for vitest to finish loading.
    if (child.connected && this.isReady) child.send({ type: 'close' } satisfies RunnerCommand);
    else child.kill();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  /**
   * Stop now (Ctrl-C): a running run() rejects. The app processes notice
   * their parent is gone (IPC disconnect) and exit on their own.
   */
  abort(): void {
    this.closing = true;
    if (this.child !== undefined && !this.exited) this.child.kill('SIGKILL');
  }

  private async start(settings: RunnerSettings): Promise<void> {
    const bundle = await this.bundled;
    if (this.closing) throw new Error('the runner was closed before it started');
    const adopted = takePrestarted(bundle);
    const child = adopted?.child ?? fork(bundle, [], {
      cwd: settings.root,
      // Not the grader's execArgv: that would load tsx's hooks into the runner again.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    // The settings go once the runner listens for them (it says hello first).
    const sendSettings = (): void => {
      child.send({ type: 'settings', settings } satisfies RunnerCommand);
    };
    if (adopted?.hello === true) sendSettings();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: RunnerMessage) => {
        if (message.type === 'hello') sendSettings();
        else if (message.type === 'ready') {
          this.isReady = true;
          resolve();
        }
        else this.onMessage(message, reject);
      });
      child.once('exit', () => {
        this.exited = true;
        const error = this.died();
        reject(error);
        this.active?.reject(error);
        this.active = undefined;
      });
    });
  }

  private onMessage(message: RunnerMessage, rejectStart: (error: Error) => void): void {
    const active = this.active;
    if (message.type === 'fatal') {
      const error = new Error(`the test runner failed: ${message.message}`);
      rejectStart(error);
      active?.reject(error);
      this.active = undefined;
    } else if (message.type === 'module') {
      active?.onModule(message.report);
    } else if (message.type === 'done') {
      this.active = undefined;
      active?.resolve(message.errors);
    }
  }

  private died(): Error {
    const tail = this.stderr.trim();
    return new Error(`the test runner process ended unexpectedly${tail === '' ? '' : `:\n${tail}`}`);
  }
}
