/**
 * The app of the concurrency demo (the lecture's Exercise 3): GET /slow
 * blocks for ?ms= milliseconds (default 1000) before it answers, the way a
 * WSGI application blocks on a slow database query or a remote call. It is
 * synchronous, as every WSGI app is: Atomics.wait() stops this process's only
 * thread, so while it waits this process can do nothing else.
 */
import type { Environ, ResponseBody, StartResponse } from '../wsgi/types.ts';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function block(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function answer(startResponse: StartResponse, status: string, value: unknown): ResponseBody {
  const body = new TextEncoder().encode(`${JSON.stringify(value)}\n`);
  startResponse(status, [
    ['Content-Type', 'application/json'],
    ['Content-Length', String(body.byteLength)],
  ]);
  return [body];
}

export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  if (environ.PATH_INFO !== '/slow') return answer(startResponse, '404 Not Found', { error: 'try GET /slow?ms=1000' });
  const asked = Number(new URLSearchParams(environ.QUERY_STRING ?? '').get('ms') ?? 1000);
  const ms = Number.isFinite(asked) ? Math.min(Math.max(asked, 0), 10_000) : 1000;
  const started = Date.now();
  block(ms);
  const worker = environ['prefork.worker'];
  return answer(startResponse, '200 OK', { ms, pid: process.pid, worker: worker ?? null, started, ended: Date.now() });
}
