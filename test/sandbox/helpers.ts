/**
 * Shared helpers for the sandbox tests: temp folders, tiny apps written from
 * strings, app processes that are always killed, and plain HTTP GETs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { Client, request } from 'undici';
import { prepareSubmission } from '../../grader/sandbox/prepare.ts';
import { minimalEnv, startAppProcess, type AppProcessHandle, type StartAppOptions } from '../../grader/sandbox/app-process.ts';
import { startPreforkProcess, type PreforkHandle, type PreforkOptions } from '../../grader/sandbox/prefork-process.ts';
import type { PreparedSubmission } from '../../grader/sandbox/types.ts';
import type { ServerName } from '../../grader/servers/names.ts';

export const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const HOSTILE_DIR = join(PROJECT_DIR, 'test', 'fixtures', 'hostile');

/**
 * A path as a string literal in generated source: JSON's escaping is valid
 * TypeScript, so a Windows path's backslashes stay backslashes.
 */
export function sourceString(path: string): string {
  return JSON.stringify(path);
}

/** The type import every test app starts with (esbuild erases it). */
export const TYPES = `import type { Environ, ResponseBody, StartResponse } from ${sourceString(join(PROJECT_DIR, 'grader', 'wsgi', 'types.ts'))};`;

/**
 * Where a hostile fixture would create `todo-wsgi-pwned-<name>`: os.tmpdir()
 * as an app process sees it (its minimal environment may lack TMPDIR), and
 * as this process sees it.
 */
export function pwnedPaths(name: string): string[] {
  const childTmp = execFileSync(process.execPath, ['-p', "require('node:os').tmpdir()"], { env: minimalEnv(false), encoding: 'utf8' }).trim();
  return [...new Set([childTmp, tmpdir()].map((dir) => join(dir, `todo-wsgi-pwned-${name}`)))];
}

const temps: string[] = [];

export function tempDir(prefix = 'todo-wsgi-sandbox-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Write files (relative path → content) under `dir`; returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export type Ready = Extract<PreparedSubmission, { ok: true }>;

export async function prepared(sourcePath: string, workDir: string): Promise<Ready> {
  const result = await prepareSubmission(sourcePath, workDir);
  if (!result.ok) throw new Error(`expected ${sourcePath} to prepare, got: ${result.loadError}`);
  return result;
}

const handles = new Set<AppProcessHandle>();

/** An app process on `server`; on prefork, a pool (two workers unless `extra` says otherwise). */
export async function start(
  submission: Ready,
  server: ServerName,
  extra: Partial<StartAppOptions> = {},
): Promise<AppProcessHandle> {
  const options = { bundlePath: submission.bundlePath, sourceDir: submission.sourceDir, server, validate: true, ...extra };
  const handle = server === 'prefork' ? await startPreforkProcess(options) : await startAppProcess(options);
  handles.add(handle);
  return handle;
}

/** A prefork pool that is always killed. */
export async function startPrefork(submission: Ready, extra: Partial<PreforkOptions> = {}): Promise<PreforkHandle> {
  const handle = await startPreforkProcess({ bundlePath: submission.bundlePath, sourceDir: submission.sourceDir, server: 'prefork', validate: true, ...extra });
  handles.add(handle);
  return handle;
}

export async function killAll(): Promise<void> {
  await Promise.all([...handles].map((handle) => handle.kill()));
  handles.clear();
}

export type Got = { status: number; text: string } | { error: string };

/** GET a path (through the handle's own way in, given a handle); a transport failure (reset, timeout) comes back as `error`. */
export async function get(app: string | Reachable, path: string, timeoutMs = 10_000): Promise<Got> {
  const url = typeof app === 'string' ? app : app.url;
  // An app process's listener admits only connections its handle opened (the grader's own client).
  const dispatcher = typeof app === 'string' ? undefined : clientFor(app);
  try {
    const response = await request(`${url}${path}`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, reset: true, ...(dispatcher === undefined ? {} : { dispatcher }) });
    return { status: response.statusCode, text: await response.body.text() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    void dispatcher?.destroy();
  }
}

/** What get() needs of an app handle: its address, and the way in its listener admits. */
export interface Reachable {
  url: string;
  connect(): Socket;
}

/** An undici Client whose connections the handle opens (destroy it when done). */
export function clientFor(app: Reachable): Client {
  return new Client(app.url, { connect: (_options, callback) => {
    const socket = app.connect();
    socket.once('connect', () => callback(null, socket));
    socket.once('error', (error) => callback(error, null));
  } });
}

/** True once no process has this pid. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A small app: counts requests in module state, and prints on /print. */
export const COUNTER_APP = `${TYPES}
let count = 0;
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  count += 1;
  if (environ.PATH_INFO === '/print') console.log('printed by the app');
  if (environ.PATH_INFO === '/throw') throw new TypeError('thrown on purpose');
  if (environ.PATH_INFO === '/bad-status') { startResponse('200', []); return []; }
  if (environ.PATH_INFO === '/promise') return Promise.resolve([]) as unknown as ResponseBody;
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(String(count))];
}
`;
