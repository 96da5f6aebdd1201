/**
 * The runner process: plain `node`, no tsx. vitest runs here rather than in
 * the grader process because tsx's loader hooks make loading vitest/node
 * (about 1,500 modules) take over a second longer. The grader sends the
 * generated entry files to run; results come back one module at a time.
 *
 * Started by session.ts from an esbuild bundle of this file.
 */
import { createVitest } from 'vitest/node';
import type { RunnerCommand, RunnerMessage, RunnerSettings } from '../protocol.ts';
import { ForwardingReporter } from './reporter.ts';

function send(message: RunnerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as RunnerSettings;
  const vitest = await createVitest('test', {
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
  });

  let queue = Promise.resolve();
  process.on('message', (command: RunnerCommand) => {
    queue = queue.then(async () => {
      if (command.type === 'close') {
        await vitest.close();
        process.exit(0);
      }
      const project = vitest.getRootProject();
      const result = await vitest.runTestSpecifications(command.files.map((file) => project.createSpecification(file)));
      send({ type: 'done', errors: result.unhandledErrors.map((error) => String((error as { message?: unknown }).message ?? error)) });
    }).catch((error: unknown) => {
      send({ type: 'fatal', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    });
  });
  // The grader went away: nobody will read the results.
  process.on('disconnect', () => {
    void vitest.close().finally(() => process.exit(0));
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'fatal', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exitCode = 1;
});
