/**
 * `npm run demo -- concurrency [options]`: the lecture's Exercise 3 on the
 * kit's servers (grader/demo/concurrency.ts).
 */
import { versionLine } from './command-line.ts';
import { parseCommandLine } from './command-line.ts';
import { formatDemo, runConcurrencyDemo, type DemoOptions } from '../demo/concurrency.ts';

const USAGE = `Usage: npm run demo -- concurrency [options]

Serves a small app whose GET /slow blocks (synchronously, as a WSGI app
does) on simple and on prefork, sends the same concurrent requests to each,
and prints every request's time and the totals.

Options:
  --requests N   concurrent requests per server (default 5)
  --ms N         how long /slow blocks per request, in milliseconds (default 1000)
  --workers N    prefork's worker processes (default 4)
  -h, --help     show this help
  --version      the kit's version`;

class UsageError extends Error {}

function whole(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

function parse(argv: readonly string[]): { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: DemoOptions } {
  const { values, positionals } = parseCommandLine(argv, {
    requests: { type: 'string' },
    ms: { type: 'string' },
    workers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  }, (message) => new UsageError(message));
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  if (positionals.length === 0) throw new UsageError('which demo? the one there is: npm run demo -- concurrency');
  if (positionals.length > 1 || positionals[0] !== 'concurrency') throw new UsageError(`unknown demo "${positionals.join(' ')}" (the one there is: concurrency)`);
  return {
    kind: 'run',
    options: {
      requests: whole('requests', values.requests, 5, 1, 32),
      ms: whole('ms', values.ms, 1000, 0, 10_000),
      workers: whole('workers', values.workers, 4, 1, 32),
    },
  };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`demo: ${error.message}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`${versionLine()}\n`);
    return 0;
  }
  const { options } = parsed;
  process.stderr.write(`demo: ${options.requests} requests at once on simple, then on prefork --workers ${options.workers}…\n`);
  const runs = await runConcurrencyDemo(options);
  process.stdout.write(`${formatDemo(runs, options).join('\n')}\n`);
  return 0;
}

process.exitCode = await main();
