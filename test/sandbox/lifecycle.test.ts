/**
 * App processes never outlive the grader: killed when its process exits, and
 * ending themselves when it dies without notice (the IPC channel closes).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { COUNTER_APP, PROJECT_DIR, TYPES, get, isGone, killAll, prepared, removeTemps, start, tempDir, writeFiles } from './helpers.ts';

afterAll(async () => {
  await killAll();
  removeTemps();
});

function grader(mode: 'exit' | 'wait'): { pid: Promise<number>; graderPid: number } {
  const work = tempDir();
  const source = writeFiles(join(work, 'src'), { 'app.ts': COUNTER_APP });
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_DIR, 'test', 'sandbox', 'grader-script.ts'), source, join(work, 'out'), mode], {
    cwd: PROJECT_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const pid = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', () => reject(new Error(`the grader script ended early: ${out}`)));
  });
  return { pid, graderPid: child.pid! };
}

describe('app process lifetime', () => {
  it('is killed when the grader process exits', async () => {
    const { pid } = grader('exit');
    const appPid = await pid;
    await vi.waitFor(() => expect(isGone(appPid)).toBe(true), { timeout: 10_000 });
  });

  it('ends itself when the grader is killed without notice', async () => {
    const { pid, graderPid } = grader('wait');
    const appPid = await pid;
    expect(isGone(appPid)).toBe(false);
    process.kill(graderPid, 'SIGKILL');
    await vi.waitFor(() => expect(isGone(appPid)).toBe(true), { timeout: 10_000 });
  });

  it('an uncaught error outside a request ends the process, and the reason names it', async () => {
    const source = writeFiles(join(tempDir(), 'late'), {
      'app.ts': `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  setTimeout(() => {
    throw new RangeError('thrown later');
  }, 0);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [];
}
`,
    });
    const app = await start(await prepared(source, join(source, '..', 'out')), 'socket');
    await get(app, '/?before-the-crash');
    expect(await app.exited).toEqual({ code: 1, signal: null, reason: 'the app process crashed on an uncaught error: RangeError: thrown later (app.ts:4:11)' });
    // Records wait in the child for a few ms; dying of an error sends them first.
    expect((await app.drainRecords()).map((r) => r.environ.QUERY_STRING)).toEqual(['before-the-crash']);
  });
});
