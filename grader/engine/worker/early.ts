/**
 * App processes started first thing in a vitest worker, before the engine's
 * modules load: an app process takes ~0.3 s to listen, about as long as the
 * worker takes to load register.ts and what it imports, so a lone
 * submission's first test no longer waits for both one after the other.
 * Light on purpose: only the sandbox's start code loads before the spawn.
 */
import { startApp } from '../../sandbox/start-app.ts';
import { adoptRuntimeBundle } from '../../sandbox/runtime-bundle.ts';
import type { AppHandle } from '../../sandbox/types.ts';
import { DEFAULT_TEST_SERVERS, type ServerName } from '../../servers/names.ts';
import type { SubmissionConfig } from '../protocol.ts';

export type EarlyStarts = ReadonlyMap<ServerName, Promise<AppHandle>>;

/** One process per default server for a submission the grader bundled already; none otherwise. */
export function startEarly(config: SubmissionConfig): EarlyStarts {
  if (config.runtime !== undefined) adoptRuntimeBundle(config.runtime);
  const starts = new Map<ServerName, Promise<AppHandle>>();
  const prepared = config.prepared;
  if (prepared === undefined || !prepared.ok) return starts;
  for (const server of config.servers.filter((name) => DEFAULT_TEST_SERVERS.includes(name))) {
    const start = startApp({
      bundlePath: prepared.bundlePath,
      sourceDir: prepared.sourceDir,
      server,
      validate: true,
      startTimeoutMs: config.startTimeoutMs,
      sandbox: config.sandbox,
    });
    // Its failure is the pool's to report, once it takes the start over.
    start.catch(() => undefined);
    starts.set(server, start);
  }
  return starts;
}
