/**
 * `npm run serve -- <app.ts> [options]`: run a student's app on one of the
 * kit's servers, the way `python -m wsgiref.simple_server` would, reloading
 * it when its files change.
 *
 * The app runs in an app process (the grader's runtime) with the permission
 * model off by default — it is the student's own code on the student's own
 * machine; --sandbox turns the grader's restrictions on. The server's request
 * log and the app's output are passed through live.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isAppStartError, type AppProcessHandle, type StartAppOptions } from '../sandbox/app-process.ts';
import { isInside } from '../sandbox/confine-imports.ts';
import { databasePath, startApp } from '../sandbox/start-app.ts';
import { DATABASE_KEY } from '../servers/names.ts';
import { bundleSubmission, type PreparedWithInputs } from '../sandbox/prepare.ts';
import { versionLine } from './command-line.ts';
import { USAGE, UsageError, parseServeArgs, type ServeArgs } from './serve-args.ts';
import { SourceWatcher } from './serve-watch.ts';
import { errorMessage } from '../common/error-message.ts';

/** Exit code for a mistake the user can fix (bad option, app that does not load). */
const USER_ERROR = 2;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function complain(line: string): void {
  process.stderr.write(`serve: ${line}\n`);
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/** A start failure as one line; listen errors in words a student can act on. */
function startProblem(error: unknown, args: ServeArgs, port: number): string {
  if (!isAppStartError(error)) return errorMessage(error);
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use — try --port ${port === 65535 ? 8000 : port + 1}`;
    case 'EACCES':
      return `no permission to listen on port ${port} — try --port 8000`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${args.host}: this machine has no such address — try --host 127.0.0.1`;
    default:
      return error.failure.message;
  }
}

class Serve {
  private readonly workDir = mkdtempSync(join(tmpdir(), 'todo-wsgi-serve-'));
  private readonly sourcePath: string;
  private app: AppProcessHandle | undefined;
  private port: number;
  private inputs = new Set<string>();
  private stopping = false;
  private reloading: Promise<void> | undefined;
  private pending: string[] | undefined;
  private readonly watcher: SourceWatcher;

  constructor(private readonly args: ServeArgs) {
    // "starter/app.ts" means its folder, as for `npm run grade`: app.ts may import its siblings.
    const given = resolve(args.appPath);
    this.sourcePath = basename(given) === 'app.ts' && existsSync(given) ? dirname(given) : given;
    this.port = args.port;
    this.watcher = new SourceWatcher(
      (path) => this.matters(path),
      (paths) => this.requestReload(paths),
    );
  }

  /** Is this change worth a reload? Any file of the bundle, and (folder apps) any .ts in the folder. */
  private matters(path: string | undefined): boolean {
    if (path === undefined) return true;
    if (this.inputs.has(path) || path === this.sourcePath) return true;
    return !this.sourcePath.endsWith('.ts') && path.endsWith('.ts') && isInside(this.sourcePath, path);
  }

  private watchedDirs(): string[] {
    const root = this.sourcePath.endsWith('.ts') ? dirname(this.sourcePath) : this.sourcePath;
    return [root, ...[...this.inputs].map((input) => dirname(input))];
  }

  private async bundle(): Promise<PreparedWithInputs> {
    const result = await bundleSubmission(this.sourcePath, this.workDir);
    if (result.inputs.length > 0) this.inputs = new Set(result.inputs);
    this.watcher.watch(new Set(this.watchedDirs()));
    return result;
  }

  /** prefork: the folder its workers share (the database todo.database names), kept across reloads. */
  private dataDir(): string {
    const dir = join(this.workDir, 'data');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  private async launch(prepared: Extract<PreparedWithInputs['prepared'], { ok: true }>): Promise<AppProcessHandle> {
    const options: StartAppOptions = {
      bundlePath: prepared.bundlePath,
      sourceDir: prepared.sourceDir,
      server: this.args.server,
      validate: this.args.validate,
      sandbox: this.args.sandbox,
      host: this.args.host,
      port: this.port,
      // The student's own machine: any client may try the app (curl, a browser).
      admit: 'any',
      accessLog: true,
      inheritEnv: !this.args.sandbox,
      // Its own process group, so a terminal's Ctrl-C reaches only this process, which stops the app.
      // Not on Windows: there a detached child gets a console window of its own.
      detached: process.platform !== 'win32',
      outputLimit: 4096,
      onOutput: (stream, chunk) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
    };
    const app = await startApp(this.args.server !== 'prefork' ? options : {
      ...options,
      workers: this.args.workers,
      dataDir: this.dataDir(),
      log: (line) => say(line),
    });
    // Keep the same port across reloads, even when the first one was "any free port".
    this.port = Number(new URL(app.url).port);
    void app.exited.then((exit) => {
      if (this.app === app && !this.stopping) {
        this.app = undefined;
        complain(`${exit.reason} — fix it and save to restart`);
      }
    });
    this.app = app;
    return app;
  }

  /** First start: any problem ends the command with exit code 2; undefined while serving. */
  async start(): Promise<number | undefined> {
    const { prepared } = await this.bundle();
    if (!prepared.ok) {
      complain(prepared.loadError);
      return USER_ERROR;
    }
    let app: AppProcessHandle;
    try {
      app = await this.launch(prepared);
    } catch (error) {
      complain(startProblem(error, this.args, this.port));
      return USER_ERROR;
    }
    const checks = [this.args.validate ? 'validate on' : 'validate off', this.args.sandbox ? 'sandbox on' : 'sandbox off'];
    const server = this.args.server === 'prefork' ? `prefork server (${this.args.workers} worker${this.args.workers === 1 ? '' : 's'})` : `${this.args.server} server`;
    say(`Serving ${shown(this.sourcePath)} with the ${server} at ${app.url}/ (${checks.join(', ')})`);
    if (this.args.server === 'prefork') {
      say(`environ['${DATABASE_KEY}'] = ${databasePath(this.dataDir())} (kept until this server stops)`);
      if (process.getBuiltinModule('node:sqlite') === undefined) {
        say(`Note: node:sqlite needs Node 22.13+ (this is ${process.version}): each worker keeps its own state, whatever the app does.`);
      }
    }
    say('Reloads when its .ts files change. Press Ctrl-C to stop.');
    return undefined;
  }

  private requestReload(paths: string[]): void {
    if (this.stopping) return;
    if (this.reloading !== undefined) {
      this.pending = [...(this.pending ?? []), ...paths];
      return;
    }
    this.reloading = this.reload(paths).finally(() => {
      this.reloading = undefined;
      const next = this.pending;
      this.pending = undefined;
      if (next !== undefined) this.requestReload(next);
    });
  }

  private async reload(paths: string[]): Promise<void> {
    const what = paths.length > 0 ? paths.map(shown).join(', ') : 'a file';
    say(`${what} changed — reloading`);
    const { prepared } = await this.bundle();
    if (this.stopping) return;
    if (!prepared.ok) {
      complain(prepared.loadError);
      say(this.app?.alive ? 'Still serving the previous version; fix the error and save.' : 'Waiting for changes…');
      return;
    }
    const previous = this.app;
    this.app = undefined;
    await previous?.kill();
    try {
      const app = await this.launch(prepared);
      say(`Reloaded at ${app.url}/`);
    } catch (error) {
      complain(startProblem(error, this.args, this.port));
      say('Waiting for changes…');
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.watcher.close();
    await this.reloading;
    // prefork stops as gunicorn on SIGTERM: workers finish what they serve first.
    const app = this.app;
    if (app !== undefined && 'close' in app && typeof app.close === 'function') await app.close();
    else await app?.kill();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<void> {
  let args: ServeArgs;
  try {
    const parsed = parseServeArgs(argv);
    if (parsed.kind !== 'serve') {
      say(parsed.kind === 'help' ? USAGE : versionLine());
      return;
    }
    args = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.showUsage) process.stderr.write(`${USAGE}\n`);
    else complain(error.message);
    process.exitCode = USER_ERROR;
    return;
  }

  const serve = new Serve(args);
  const stop = (): void => {
    void serve.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await serve.start();
  if (code !== undefined) {
    await serve.stop();
    process.exit(code);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Not a user mistake: still one line, but a distinct exit code.
  complain(errorMessage(error));
  process.exit(1);
});
