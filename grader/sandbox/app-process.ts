/**
 * Runs one prepared submission under one server in a child process, under
 * Node's permission model, and hands the grader an AppHandle.
 *
 * The child is `node <flags> runtime.mjs`: the pre-bundled runtime imports the
 * student's bundle, so start-up needs no TypeScript loader. It never listens:
 * this process does (servers/common/gate.ts) and passes each connection it
 * admits over IPC — for grading only the grader's own client's, so a
 * classmate's app process that scans loopback reaches no app. Its stdout and
 * stderr are captured for display only; control goes over IPC. See
 * sandboxReport() for what is and is not enforced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { Gate, type Admission } from '../servers/common/gate.ts';
import { Channel } from './channel.ts';
import { exitInfo, type ExitFacts } from './exit-reason.ts';
import { childFlags } from './node-flags.ts';
import { OutputCapture } from './output.ts';
import { CONFIG_ENV, HANDOFF, type ChildConfig, type ChildMessage } from './protocol.ts';
import { ensureRuntimeBundle } from './runtime-bundle.ts';
import { META_FILE, type AppHandle, type AppProcessOptions, type AppStartFailure, type CapturedOutput, type ExitInfo, type RequestRecord, type SubmissionMeta } from './types.ts';
import { errorMessage } from '../common/error-message.ts';

/** Options the grader does not need but `npm run serve` does. */
export interface AppProcessExtras {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /**
   * Who may connect: 'own' (the default) admits only connections opened by
   * the handle's connect() — the grader's client; 'any' admits every client
   * (`npm run serve`).
   */
  admit?: Admission;
  /** Sees the child's output live, uncapped (serve prints it as it comes). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Pass the parent's environment (minus NODE_OPTIONS) instead of a minimal one. */
  inheritEnv?: boolean;
  /** Write the servers' request lines (Common Log Format) to stderr. Default false: the grader has no use for them. */
  accessLog?: boolean;
  /** Own process group: a terminal's Ctrl-C reaches the parent only, which then stops the child. */
  detached?: boolean;
  /** The child runtime to run. Default: ensureRuntimeBundle(). */
  runtime?: string;
  /** With server 'prefork': this worker's 1-based index; `port` is then its master's (SERVER_PORT), and the master admits connections. */
  worker?: number;
}

export type StartAppOptions = AppProcessOptions & AppProcessExtras;

export interface AppProcessHandle extends AppHandle {
  readonly pid: number;
  /** prefork workers: pass an accepted connection over IPC; false when the process can't take it. */
  handOff(socket: Socket): boolean;
  /** prefork workers: finish what is served, then exit; resolves once gone (or after `withinMs`). */
  stop(withinMs: number): Promise<void>;
}

/** Connections admitted before the app is ready wait for it, up to this many; more are closed. */
const MAX_EARLY_CONNECTIONS = 128;

/** How long Node itself may take to start an app process, before the app's own start limit runs. */
const BOOT_LIMIT_MS = 30_000;

/** How long drainRecords() waits for a busy child before returning what arrived. */
const DRAIN_TIMEOUT_MS = 2000;

/** The error startAppProcess() rejects with. */
export class AppStartError extends Error {
  override readonly name = 'AppStartError';
  constructor(
    readonly failure: AppStartFailure,
    readonly output: CapturedOutput,
    /** For listen failures: the errno code, e.g. "EADDRINUSE". */
    readonly code?: string,
    /** The process that failed (already gone). */
    readonly pid?: number,
  ) {
    super(failure.message);
  }
}

export function isAppStartError(error: unknown): error is AppStartError {
  return error instanceof AppStartError;
}

// Every child is killed when the grader's process exits, however it exits normally.
const children = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  children.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const each of children) each.kill('SIGKILL');
    });
  }
}

function readMeta(bundlePath: string, sourceDir: string): Pick<SubmissionMeta, 'entryName' | 'readPath'> {
  try {
    const meta = JSON.parse(readFileSync(join(dirname(bundlePath), META_FILE), 'utf8')) as Partial<SubmissionMeta>;
    if (typeof meta.entryName === 'string' && typeof meta.readPath === 'string') {
      return { entryName: meta.entryName, readPath: meta.readPath };
    }
  } catch {
    // A bundle made elsewhere: fall back to the folder we were given.
  }
  return { entryName: 'app.ts', readPath: sourceDir };
}

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** What a process needs from Windows' environment to start at all (Winsock and the CRT read SystemRoot; temp files). */
const WINDOWS_ESSENTIALS = ['SystemRoot', 'windir', 'TEMP', 'TMP'];

/** The environment an app process gets: a minimal one, or (serve) the parent's without NODE_OPTIONS. */
export function minimalEnv(inherit: boolean): NodeJS.ProcessEnv {
  if (!inherit) {
    const env: NodeJS.ProcessEnv = { TZ: 'UTC', LANG: 'C.UTF-8' };
    if (process.platform === 'win32') for (const key of WINDOWS_ESSENTIALS) if (process.env[key] !== undefined) env[key] = process.env[key];
    return env;
  }
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Start an app process; resolves once its server listens. Rejects with an
 * AppStartError whose `failure` says why: load-error (bad export, exception
 * at import), start-timeout, or exited (the process died, or could not listen).
 */
export async function startAppProcess(options: StartAppOptions): Promise<AppProcessHandle> {
  // Its real path: Node resolves the main module's path, and may read only what it is allowed (a symlinked node_modules).
  const runtime = realpathSync(options.runtime ?? (await ensureRuntimeBundle()));
  const startTimeoutMs = options.startTimeoutMs ?? 5000;
  const memoryMb = options.memoryMb ?? 256;
  const limit = options.outputLimit ?? 64 * 1024;
  const sandbox = options.sandbox ?? true;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const meta = readMeta(options.bundlePath, options.sourceDir);
  const bundleDir = realpathSync(dirname(options.bundlePath));

  // Connections the gate admits go to the child once it is ready; those that came earlier wait.
  let deliver: ((socket: Socket) => void) | undefined;
  const early: Socket[] = [];
  const gate = options.worker === undefined ? await openGate(host, port, options.admit ?? 'own', (socket) => {
    if (deliver !== undefined) deliver(socket);
    else if (early.length < MAX_EARLY_CONNECTIONS) early.push(socket);
    else socket.destroy();
  }) : undefined;

  const config: ChildConfig = {
    nonce: randomBytes(16).toString('hex'),
    bundlePath: join(bundleDir, basename(options.bundlePath)),
    sourceDir: realpathSync(options.sourceDir),
    entryName: meta.entryName,
    server: options.server,
    validate: options.validate,
    port: gate?.port ?? port,
    accessLog: options.accessLog ?? false,
  };
  const writableDir = options.writableDir === undefined ? undefined : realpathSync(options.writableDir);
  if (writableDir !== undefined) config.writableDir = writableDir;
  if (options.environ !== undefined) config.environ = { ...options.environ };
  if (options.worker !== undefined) config.worker = options.worker;
  const readPaths = [runtime, bundleDir, realpathSync(meta.readPath)];
  const flags = childFlags({ sandbox, readPaths, memoryMb, ...(writableDir === undefined ? {} : { writableDir }) });
  const child = spawn(process.execPath, [...flags, runtime], {
    cwd: bundleDir,
    env: { ...minimalEnv(options.inheritEnv ?? false), [CONFIG_ENV]: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
    detached: options.detached ?? false,
  });
  track(child);

  const stdout = new OutputCapture(limit);
  const stderr = new OutputCapture(limit);
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    options.onOutput?.('stdout', chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    options.onOutput?.('stderr', chunk);
  });
  const output = (): CapturedOutput => ({
    stdout: stdout.value,
    stderr: stderr.value,
    truncated: stdout.truncated || stderr.truncated,
  });

  const facts: ExitFacts = { code: null, signal: null, killedByGrader: false, stderrTail: '', memoryMb };
  let ended = false;
  let settleExit!: (info: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((resolve) => (settleExit = resolve));
  let onStartEvent: (event: ChildMessage | { t: 'ended'; info: ExitInfo }) => void = () => {};

  const channel = new Channel(child, config.nonce, (message) => {
    if (message.t === 'exit-called') facts.exitCalled = message.code;
    else if (message.t === 'fatal') facts.fatal ??= message.message;
    else onStartEvent(message);
  });

  const finish = (): void => {
    if (ended) return;
    ended = true;
    children.delete(child);
    gate?.close();
    for (const socket of early.splice(0)) socket.destroy();
    channel.close();
    facts.stderrTail = stderr.tail;
    const info = exitInfo(facts);
    settleExit(info);
    onStartEvent({ t: 'ended', info });
  };
  child.on('exit', (code, signal) => {
    facts.code = code;
    facts.signal = signal;
    // 'close' follows once the output pipes are drained; don't wait forever for them.
    setTimeout(finish, 1000).unref();
  });
  child.on('close', finish);
  child.on('error', (error) => {
    // Spawning failed (no process), or a signal/IPC send failed (the process is going anyway).
    if (child.pid === undefined) {
      facts.fatal = `could not start node: ${error.message}`;
      finish();
    }
  });

  const kill = async (): Promise<void> => {
    if (!ended) {
      if (child.exitCode === null && child.signalCode === null) facts.killedByGrader = true;
      child.kill('SIGKILL');
    }
    await exited;
  };

  await new Promise<void>((resolve, reject) => {
    const fail = (failure: AppStartFailure, code?: string): void => {
      clearTimeout(timer);
      onStartEvent = () => {};
      // Wait for the process to be gone, so its output is complete and nothing is left behind.
      void kill().then(() => reject(new AppStartError(failure, output(), code, child.pid)));
    };
    // Node's own start is not the app's: the limit runs from the import of the student's module.
    let timer = setTimeout(() => {
      fail({ kind: 'start-timeout', message: `the app process did not start within ${seconds(BOOT_LIMIT_MS)}, before loading the app — is the machine very busy?` });
    }, BOOT_LIMIT_MS);
    onStartEvent = (event) => {
      switch (event.t) {
        case 'loading':
          clearTimeout(timer);
          timer = setTimeout(() => {
            fail({ kind: 'start-timeout', message: `the app did not start within ${seconds(startTimeoutMs)} — an infinite loop at import?` });
          }, startTimeoutMs);
          return;
        case 'ready':
          clearTimeout(timer);
          onStartEvent = () => {};
          resolve();
          return;
        case 'load-error':
          return fail({ kind: 'load-error', message: event.message });
        case 'ended':
          return fail({ kind: 'exited', message: `${event.info.reason} (while loading, before the server was ready)` });
        default:
          return;
      }
    };
  });

  const handOff = (socket: Socket): boolean => !ended && channel.hand({ t: HANDOFF }, socket);
  deliver = (socket) => {
    if (!handOff(socket)) socket.destroy();
  };
  for (const socket of early.splice(0)) deliver(socket);
  const url = gate?.url ?? `http://${host}:${port}`;

  return {
    url,
    pid: child.pid!,
    server: options.server,
    get alive() {
      return !ended;
    },
    exited,
    async fresh(): Promise<void> {
      const answer = await channel.ask('fresh', startTimeoutMs);
      if (answer.answered && answer.error === undefined) return;
      if (answer.answered) throw new Error(answer.error);
      if (ended) throw new Error(`could not reload the app: ${(await exited).reason}`);
      throw new Error(`the app process did not reload within ${seconds(startTimeoutMs)} — is it stuck in an infinite loop?`);
    },
    async responsive(withinMs: number): Promise<boolean> {
      return !ended && (await channel.ask('sync', withinMs)).answered;
    },
    async drainRecords(): Promise<RequestRecord[]> {
      // A barrier: records sent before the child's reply have arrived when it comes.
      if (!ended) await channel.ask('sync', DRAIN_TIMEOUT_MS);
      return channel.takeRecords();
    },
    output,
    kill,
    connect: (): Socket => gate?.connect() ?? netConnect({ host, port }),
    handOff,
    async stop(withinMs: number): Promise<void> {
      if (ended) return;
      await channel.ask('stop', withinMs);
      if ((await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, withinMs, 'late').unref())])) === 'late') await kill();
    },
  };
}

/** Listen in this (trusted) process; a listen error is the app's start failure, with its errno code. */
async function openGate(host: string, port: number, admit: Admission, onConnection: (socket: Socket) => void): Promise<Gate> {
  try {
    return await Gate.open({ host, port, admit, onConnection });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const message = errorMessage(error);
    throw new AppStartError({ kind: 'exited', message: `the server could not listen on ${host}:${port}: ${message}` }, { stdout: '', stderr: '', truncated: false }, typeof code === 'string' ? code : 'ERROR');
  }
}
