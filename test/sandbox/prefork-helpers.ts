/**
 * Helpers for the prefork tests: an app that says who served it, and waiting
 * for a condition without asserting how long it took.
 */
import { TYPES, get, type Ready, type Reachable } from './helpers.ts';

/**
 * Answers with who served it: the worker's index and pid, how many requests
 * this instance saw, and the environ keys a prefork test looks at.
 * /loop never returns; /slow blocks for 300 ms (printing first, so a test
 * knows it is in the app); /print prints its query string.
 */
export const WHO_APP = `${TYPES}
const pause = new Int32Array(new SharedArrayBuffer(4));
let count = 0;
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  count += 1;
  const path = environ.PATH_INFO;
  while (path === '/loop') {
    // never returns: only the heartbeat ends this
  }
  if (path === '/slow') {
    console.log('slow request started');
    Atomics.wait(pause, 0, 0, 300);
  }
  if (path === '/print') console.log('printed ' + environ.QUERY_STRING);
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  const answer = {
    worker: environ['prefork.worker'],
    pid: process.pid,
    count,
    path,
    query: environ.QUERY_STRING,
    multiprocess: environ['wsgi.multiprocess'],
    database: environ['todo.database'] ?? null,
  };
  return [new TextEncoder().encode(JSON.stringify(answer))];
}
`;

export interface Who {
  worker: number;
  pid: number;
  count: number;
  path: string;
  query: string;
  multiprocess: boolean;
  database: string | null;
}

/** GET a path of WHO_APP; throws unless it answered 200. */
export async function who(app: string | Reachable, path = '/'): Promise<Who> {
  const got = await get(app, path);
  if (!('status' in got) || got.status !== 200) throw new Error(`GET ${path}: expected 200, got ${JSON.stringify(got)}`);
  return JSON.parse(got.text) as Who;
}

/** Resolves once `ready()` holds; fails after a generous deadline (a hang, not a slow machine). */
export async function until(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
