/**
 * `npm run serve`, as a student runs it: a real process tree (npx → tsx →
 * serve → app process), real sockets, a real file edit, a real Ctrl-C.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PROJECT_DIR, TYPES, get, isGone, removeTemps, tempDir, writeFiles } from '../sandbox/helpers.ts';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const runs: Run[] = [];

function serve(...args: string[]): Run {
  // Its own process group, so a "Ctrl-C" can go to the whole group, as a terminal sends it.
  const child = spawn('npx', ['tsx', 'grader/cli/serve.ts', ...args], { cwd: PROJECT_DIR, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const run = { child, stdout: () => stdout, stderr: () => stderr, exit };
  runs.push(run);
  return run;
}

/** Every process below `pid`, with its command line (ps works on Linux and macOS). */
function descendants(pid: number): Array<{ pid: number; command: string }> {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,command='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), command: match[3]! }));
  const found: Array<{ pid: number; command: string }> = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (parents.has(row.ppid) && !parents.has(row.pid)) {
        parents.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found;
}

/** The node process running serve.ts itself (below npx, sh and tsx's own wrapper). */
function serveProcess(run: Run): number {
  const serve = descendants(run.child.pid!).find((row) => row.command.includes('loader.mjs') && row.command.includes('serve.ts'));
  if (serve === undefined) throw new Error('no serve process found');
  return serve.pid;
}

async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  return vi.waitFor(
    () => {
      const match = read().match(pattern);
      if (match === null) throw new Error(`waiting for ${pattern} in:\n${read()}`);
      return match;
    },
    { timeout: 25_000, interval: 50 },
  );
}

function app(text: string): string {
  return `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(${JSON.stringify(text)})];
}
`;
}

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      try {
        process.kill(-run.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});
afterAll(removeTemps);

describe('npm run serve', () => {
  it('serves the app, logs requests, reloads on change, keeps serving through a syntax error, stops on Ctrl-C', async () => {
    const dir = writeFiles(tempDir(), { 'app.ts': app('version 1') });
    const run = serve(join(dir, 'app.ts'), '--port', '0', '--validate');
    const [, url] = await waitFor(run.stdout, /at (http:\/\/127\.0\.0\.1:\d+)\/ \(validate on, sandbox off\)/);
    expect(await get(url!, '/hello')).toEqual({ status: 200, text: 'version 1' });
    await waitFor(run.stderr, /"GET \/hello HTTP\/1\.1" 200 9/);

    writeFileSync(join(dir, 'app.ts'), app('version 2'));
    await waitFor(run.stdout, /Reloaded at /);
    expect(await get(url!, '/')).toEqual({ status: 200, text: 'version 2' });

    writeFileSync(join(dir, 'app.ts'), 'export function application() {\n  const x = ;\n}\n');
    await waitFor(run.stderr, /serve: app\.ts:2:13: Unexpected ";"\n/);
    expect(run.stdout()).toContain('Still serving the previous version');
    expect(await get(url!, '/')).toEqual({ status: 200, text: 'version 2' });

    writeFileSync(join(dir, 'app.ts'), app('version 3'));
    await vi.waitFor(async () => expect(await get(url!, '/')).toEqual({ status: 200, text: 'version 3' }), { timeout: 25_000, interval: 100 });

    // Ctrl-C reaches serve (npx and tsx's wrapper report signals their own way, so it is sent to serve itself).
    const appProcesses = descendants(run.child.pid!).filter((row) => row.command.includes('runtime-'));
    expect(appProcesses).toHaveLength(1);
    process.kill(serveProcess(run), 'SIGINT');
    expect(await run.exit).toBe(0);
    expect(await get(url!, '/', 2000)).toHaveProperty('error');
    expect(isGone(appProcesses[0]!.pid)).toBe(true);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it('serves a multi-file app named by its app.ts (the folder is the submission, as for grade)', async () => {
    const run = serve('solution/app.ts', '--port', '0', '--server', 'socket');
    const [, url] = await waitFor(run.stdout, /at (http:\/\/127\.0\.0\.1:\d+)\//);
    expect(await get(url!, '/todos')).toEqual({ status: 200, text: '[]' });
    process.kill(serveProcess(run), 'SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('Ctrl-C in a terminal (SIGINT to the whole process group) leaves nothing running', async () => {
    const dir = writeFiles(tempDir(), { 'app.ts': app('bye') });
    const run = serve(join(dir, 'app.ts'), '--port', '0', '--server', 'socket');
    const [, url] = await waitFor(run.stdout, /at (http:\/\/127\.0\.0\.1:\d+)\//);
    const tree = descendants(run.child.pid!);
    process.kill(-run.child.pid!, 'SIGINT');
    await run.exit;
    await vi.waitFor(() => expect(tree.filter((row) => !isGone(row.pid))).toEqual([]), { timeout: 10_000 });
    expect(await get(url!, '/', 2000)).toHaveProperty('error');
  });

  it('serves on prefork: N workers sharing the database, each request logged with its worker, SIGTERM stops them all', async () => {
    const run = serve('solution/app.ts', '--port', '0', '--server', 'prefork', '--workers', '3');
    const [, url] = await waitFor(run.stdout, /with the prefork server \(3 workers\) at (http:\/\/127\.0\.0\.1:\d+)\//);
    // The next line of the banner may come in a later chunk of stdout.
    await waitFor(run.stdout, /environ\['todo\.database'\] = .*todo\.sqlite/);
    const workers = descendants(run.child.pid!).filter((row) => row.command.includes('runtime-'));
    expect(workers).toHaveLength(3);
    const created = await request(`${url}/todos`, { method: 'POST', body: '{"title": "Buy milk"}', headers: { 'content-type': 'application/json' } });
    expect(created.statusCode).toBe(201);
    const { id } = (await created.body.json()) as { id: number };
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await get(url!, `/todos/${id}`));
    // Where node:sqlite exists the solution keeps its to-dos in the database every worker opens.
    if (process.getBuiltinModule('node:sqlite') !== undefined) expect(seen.map((got) => ('status' in got ? got.status : got.error))).toEqual([200, 200, 200]);
    else expect(run.stdout()).toMatch(/node:sqlite needs Node 22\.13\+ .* each worker keeps its own state/);
    // Round robin: the four requests were answered by all three workers.
    for (const worker of [1, 2, 3]) await waitFor(run.stderr, new RegExp(`\\[worker ${worker}\\] 127\\.0\\.0\\.1 - - \\[`));
    process.kill(serveProcess(run), 'SIGTERM');
    expect(await run.exit).toBe(0);
    await vi.waitFor(() => expect(workers.filter((row) => !isGone(row.pid))).toEqual([]), { timeout: 10_000 });
  });

  it('-h and --help print the usage, --version the version', async () => {
    const [help, short, version] = [serve('--help'), serve('-h'), serve('--version')];
    expect([await help.exit, await short.exit, await version.exit]).toEqual([0, 0, 0]);
    expect(help.stdout()).toMatch(/^Usage: npm run serve -- <app\.ts/);
    expect(short.stdout()).toBe(help.stdout());
    expect(version.stdout()).toMatch(/^todo-wsgi \d+\.\d+\.\d+ \(node v\d+/);
  });

  it('without an app it prints the usage and exits 2', async () => {
    const run = serve();
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/^Usage: npm run serve/);
  });

  describe('user mistakes: one line, exit code 2, no stack trace', () => {
    let blocker: Server | undefined;
    afterAll(() => blocker?.close());

    const dir = (): string =>
      writeFiles(tempDir(), {
        'good.ts': app('ok'),
        'no-export.ts': 'export const x = 1;\n',
        'syntax.ts': 'export function application() {\n  return [;\n}\n',
      });

    it.each<[string, () => Promise<string[]>, RegExp]>([
      ['an unknown option', async () => [join(dir(), 'good.ts'), '--nope'], /^serve: unknown option --nope \(see --help\)$/],
      ['a bad --server', async () => [join(dir(), 'good.ts'), '--server', 'apache'], /^serve: --server must be simple, socket or prefork, not "apache"$/],
      ['--workers without prefork', async () => [join(dir(), 'good.ts'), '--workers', '4'], /^serve: --workers is for --server prefork \(the simple server runs one process\)$/],
      ['a bad --workers', async () => [join(dir(), 'good.ts'), '--server', 'prefork', '--workers', '0'], /^serve: --workers must be a number from 1 to 32, not "0"$/],
      ['a bad --port', async () => [join(dir(), 'good.ts'), '--port', 'http'], /^serve: --port must be a number from 0 to 65535, not "http"$/],
      ['a missing file', async () => ['/nonexistent/app.ts'], /^serve: no such file or folder: \/nonexistent\/app\.ts$/],
      ['no application export', async () => [join(dir(), 'no-export.ts')], /^serve: no `application` export in no-export\.ts — export function application\(environ, startResponse\) \{ … \}$/],
      ['a syntax error', async () => [join(dir(), 'syntax.ts')], /^serve: syntax\.ts:2:11: Unexpected ";"$/],
      [
        'a port in use',
        async () => {
          blocker = createServer();
          await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
          const port = (blocker.address() as { port: number }).port;
          return [join(dir(), 'good.ts'), '--port', String(port)];
        },
        /^serve: port (\d+) is in use — try --port \d+$/,
      ],
    ])('%s', async (_name, args, expected) => {
      const run = serve(...(await args()));
      expect(await run.exit).toBe(2);
      const lines = run.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
    });
  });
});
