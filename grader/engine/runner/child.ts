/**
 * The runner process: plain `node`, no tsx. vitest runs here rather than in
 * the grader process because tsx's loader hooks make loading vitest/node
 * (about 1,500 modules) take over a second longer. The grader sends the
 * generated entry files to run; results come back one module at a time.
 *
 * Started by session.ts from an esbuild bundle of this file.
 */
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vitest, VitestPluginContext } from 'vitest/node';
import type { RunnerCommand, RunnerMessage, RunnerSettings } from '../protocol.ts';
import { ENTRY_SUFFIX } from '../protocol.ts';
import { ForwardingReporter } from './reporter.ts';

/**
 * vitest's file cache of transformed modules: the grader's own TypeScript
 * (engine, runtime, sandbox, suites) is transformed once, not at every grade —
 * about half of the time vitest takes to load a submission's tests. It is
 * keyed by content and written atomically, so concurrent graders can share it.
 * The generated entry files (one per submission and run) are left out.
 */
const skipEntryFiles = {
  name: 'todo-wsgi:entry-files-uncached',
  configureVitest({ experimental_defineCacheKeyGenerator }: VitestPluginContext): void {
    experimental_defineCacheKeyGenerator(({ id }) => (id.endsWith(ENTRY_SUFFIX) ? false : undefined));
  },
};

function send(message: RunnerMessage): void {
  process.send?.(message);
}

/** Node 22.1+ only: V8's code cache on disk (Node 20 has neither function). */
const compileCache = nodeModule as { enableCompileCache?: (dir: string) => unknown; flushCompileCache?: () => void };

/**
 * Load vitest with V8's compile cache where Node has one, as vite's own CLI
 * does: most of the runner's start is compiling vitest's modules. Flushed at
 * once, as vite's CLI does too: the runner ends with process.exit().
 */
async function loadVitest(cacheDir: string): Promise<typeof import('vitest/node')> {
  compileCache.enableCompileCache?.(join(cacheDir, 'v8'));
  const vitest = await import('vitest/node');
  compileCache.flushCompileCache?.();
  return vitest;
}

/** The first command: the settings, which may come before or after vitest has loaded. */
function firstSettings(): Promise<RunnerSettings> {
  return new Promise((resolve) => {
    const onMessage = (command: RunnerCommand): void => {
      if (command.type !== 'settings') return;
      process.off('message', onMessage);
      resolve(command.settings);
    };
    process.on('message', onMessage);
  });
}

async function main(): Promise<void> {
  let vitest: Vitest | undefined;
  // The grader went away (even before the settings came): nobody will read the results.
  process.on('disconnect', () => {
    if (vitest === undefined) process.exit(0);
    void vitest.close().finally(() => process.exit(0));
  });
  // vitest loads while the grader parses its arguments: the runner may be started before them.
  const settingsArrived = firstSettings();
  send({ type: 'hello' });
  // This file runs as a bundle in the grader's cache folder (see bundle.ts).
  const { createVitest } = await loadVitest(fileURLToPath(new URL('.', import.meta.url)));
  const settings = await settingsArrived;
  const running = await createVitest('test', {
    config: false,
    root: settings.root,
    watch: false,
    include: [],
    reporters: [new ForwardingReporter((report) => send({ type: 'module', report }))],
    pool: settings.pool,
    isolate: false,
    fileParallelism: true,
    maxWorkers: settings.maxWorkers,
    maxConcurrency: settings.maxConcurrency,
    testTimeout: settings.testTimeoutMs,
    hookTimeout: settings.testTimeoutMs,
    teardownTimeout: 10_000,
    passWithNoTests: true,
    silent: true,
    coverage: { enabled: false },
    // vitest's results cache orders files by past runs; every run's entry files are new temp paths,
    // so it would only grow (by one entry per submission graded) and be rewritten at every run.
    cache: false,
    experimental: { fsModuleCache: true, fsModuleCachePath: join(settings.cacheDir, 'vitest') },
  }, { plugins: [skipEntryFiles] });
  vitest = running;

  let queue = Promise.resolve();
  process.on('message', (command: RunnerCommand) => {
    if (command.type === 'settings') return;
    queue = queue.then(async () => {
      if (command.type === 'close') {
        await running.close();
        process.exit(0);
      }
      const project = running.getRootProject();
      const result = await running.runTestSpecifications(command.files.map((file) => project.createSpecification(file)));
      send({ type: 'done', errors: result.unhandledErrors.map((error) => String((error as { message?: unknown }).message ?? error)) });
    }).catch((error: unknown) => {
      send({ type: 'fatal', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    });
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'fatal', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exitCode = 1;
});
