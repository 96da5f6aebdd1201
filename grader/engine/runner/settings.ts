/**
 * The runner's vitest settings and the engine's concurrency, from the
 * options alone: light enough for the CLI to start the runner before it
 * loads anything else.
 */
import { availableParallelism } from 'node:os';
import type { ResolvedOptions } from '../options.ts';
import type { RunnerSettings } from '../protocol.ts';
import { cacheDir, PROJECT_DIR } from '../../sandbox/bundle-cache.mjs';

/** Groups of one submission run at once (vitest's maxConcurrency). */
const GROUPS_AT_ONCE = 4;

/**
 * App processes per server for each submission: a class run already keeps
 * every core busy with one per server; a lone submission may use the spare
 * cores to run its groups side by side.
 */
export function processesPerServer(jobs: number, submissions: number): number {
  const atOnce = Math.max(1, Math.min(jobs, submissions));
  // Each submission already runs one process per server.
  return Math.max(1, Math.min(2, Math.floor(availableParallelism() / (2 * atOnce))));
}

export function runnerSettings(options: ResolvedOptions): RunnerSettings {
  return {
    root: PROJECT_DIR,
    cacheDir: cacheDir(),
    // Measured: the same CPU for a class as forks, and a worker ready ~0.2 s sooner (no process to spawn).
    pool: 'threads',
    maxWorkers: options.jobs,
    maxConcurrency: GROUPS_AT_ONCE,
    // vitest's own limit is only a backstop: the engine's limits fire first.
    testTimeoutMs: options.submissionTimeoutMs + options.startTimeoutMs + options.requestTimeoutMs + 10_000,
  };
}
