/**
 * The lecture's Exercise 3, with real servers: the same blocking app under
 * `simple` (one process, one request at a time) and under `prefork` (N
 * worker processes, each with its own copy of the app), each sent the same
 * concurrent requests. Under simple each request waits for the ones before
 * it; under prefork N are served at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import type { AppProcessHandle } from '../sandbox/app-process.ts';
import { startApp } from '../sandbox/start-app.ts';
import { prepareSubmission } from '../sandbox/prepare.ts';
import { errorMessage } from '../common/error-message.ts';

export interface DemoOptions {
  /** Concurrent requests sent to each server. */
  requests: number;
  /** How long /slow blocks, per request. */
  ms: number;
  /** prefork's worker processes. */
  workers: number;
}

export interface Timing {
  /** 1-based, in the order the requests were sent (all at once). */
  index: number;
  /** From sending all requests to this one's complete answer. */
  ms: number;
  worker?: number;
  pid?: number;
  error?: string;
}

export interface ServerRun {
  label: string;
  timings: Timing[];
  totalMs: number;
}

const SLOW_APP = fileURLToPath(new URL('./slow-app.ts', import.meta.url));

/** Send `count` requests at once, each on its own connection, and time each to its last byte. */
async function fire(url: string, count: number, ms: number): Promise<{ timings: Timing[]; totalMs: number }> {
  const agent = new Agent({ connections: count, pipelining: 1 });
  const started = performance.now();
  try {
    const timings = await Promise.all(
      Array.from({ length: count }, async (_, i): Promise<Timing> => {
        try {
          const reply = await request(`${url}/slow?ms=${ms}`, { dispatcher: agent, headersTimeout: 60_000, bodyTimeout: 60_000 });
          const body = (await reply.body.json()) as { worker?: number | null; pid?: number };
          return {
            index: i + 1,
            ms: performance.now() - started,
            ...(typeof body.worker === 'number' ? { worker: body.worker } : {}),
            ...(typeof body.pid === 'number' ? { pid: body.pid } : {}),
          };
        } catch (error) {
          return { index: i + 1, ms: performance.now() - started, error: errorMessage(error) };
        }
      }),
    );
    return { timings, totalMs: performance.now() - started };
  } finally {
    await agent.close();
  }
}

async function timed(label: string, start: () => Promise<AppProcessHandle>, options: DemoOptions): Promise<ServerRun> {
  const app = await start();
  try {
    return { label, ...(await fire(app.url, options.requests, options.ms)) };
  } finally {
    await app.kill();
  }
}

/** Run the demo: the slow app on simple, then on prefork; the app is sandboxed as when graded. */
export async function runConcurrencyDemo(options: DemoOptions): Promise<ServerRun[]> {
  const work = mkdtempSync(join(tmpdir(), 'todo-wsgi-demo-'));
  try {
    const prepared = await prepareSubmission(SLOW_APP, work);
    if (!prepared.ok) throw new Error(`the demo app did not build: ${prepared.loadError}`);
    // The demo's own app, on the student's machine: its listener admits any client, as serve's does.
    const base = { bundlePath: prepared.bundlePath, sourceDir: prepared.sourceDir, validate: true, admit: 'any' as const };
    return [
      await timed('simple', () => startApp({ ...base, server: 'simple' }), options),
      await timed(`prefork --workers ${options.workers}`, () => startApp({ ...base, server: 'prefork', workers: options.workers }), options),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The demo's report: each request's time, the totals, and why they differ. */
export function formatDemo(runs: readonly ServerRun[], options: DemoOptions): string[] {
  const lines = [`${options.requests} concurrent requests to GET /slow?ms=${options.ms} (the app blocks ${seconds(options.ms)} per request)`, ''];
  for (const run of runs) {
    lines.push(run.label);
    for (const t of run.timings) {
      const who = t.error !== undefined ? `failed: ${t.error}` : t.worker !== undefined ? `worker ${t.worker} (pid ${t.pid})` : `pid ${t.pid}`;
      lines.push(`  request ${String(t.index).padEnd(3)} ${seconds(t.ms).padStart(8)}   ${who}`);
    }
    lines.push(`  total       ${seconds(run.totalMs).padStart(8)}`, '');
  }
  const [simple, prefork] = runs;
  if (simple !== undefined && prefork !== undefined) {
    const rounds = Math.ceil(options.requests / options.workers);
    lines.push(
      `simple runs the app in one process, one request at a time, so each request waits for those before it (${options.requests} × ${seconds(options.ms)}); ` +
        `prefork runs ${options.workers} worker processes, each with its own copy of the app, so ${Math.min(options.workers, options.requests)} are served at once ` +
        `(${rounds} round${rounds === 1 ? '' : 's'} of ${seconds(options.ms)}): ${(simple.totalMs / prefork.totalMs).toFixed(1)}× faster here.`,
    );
  }
  return lines;
}
