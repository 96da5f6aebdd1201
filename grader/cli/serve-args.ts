/**
 * The command line of `npm run serve`, parsed strictly (node:util parseArgs).
 * Mistakes become one-line UsageErrors.
 */
import { isServerName, SERVER_NAMES, type ServerName } from '../servers/names.ts';
import { parseCommandLine, orList } from './command-line.ts';

export const USAGE = `Usage: npm run serve -- <app.ts | folder with app.ts> [options]

Runs a WSGI application on one of the kit's servers and reloads it when
its .ts files change. Each request is logged (Common Log Format).

Options:
  --server ${SERVER_NAMES.join('|').padEnd(14)} the server to run (default: simple)
  --workers N             prefork only: worker processes, 1 to 32 (default: 2)
  --port N                the port to listen on (default: 8000; 0: any free port)
  --host H                the interface to listen on (default: 127.0.0.1)
  --validate              check every request against the WSGI contract, as the grader does
  --sandbox               run under the grader's restrictions (no file writes, processes, threads)
  -h, --help              show this help
  --version               the kit's version

Examples:
  npm run serve -- starter/app.ts --server socket --validate
  npm run serve -- solution/app.ts --server prefork --workers 4`;

export interface ServeArgs {
  appPath: string;
  server: ServerName;
  /** prefork's worker processes. */
  workers: number;
  port: number;
  host: string;
  validate: boolean;
  sandbox: boolean;
}

/** What the command line asks for: the help text, the version, or an app to serve. */
export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | ({ kind: 'serve' } & ServeArgs);

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** Print the usage text instead of the message (e.g. no app given). */
    readonly showUsage = false,
  ) {
    super(message);
  }
}

const OPTIONS = {
  server: { type: 'string' },
  workers: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  validate: { type: 'boolean' },
  sandbox: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not "${text}"`);
  return port;
}

/** prefork's default, as gunicorn's (1) would show nothing of a multi-process server. */
export const DEFAULT_WORKERS = 2;
const MAX_WORKERS = 32;

function parseWorkers(text: string, server: ServerName): number {
  if (server !== 'prefork') throw new UsageError(`--workers is for --server prefork (the ${server} server runs one process)`);
  const workers = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(workers >= 1 && workers <= MAX_WORKERS)) throw new UsageError(`--workers must be a number from 1 to ${MAX_WORKERS}, not "${text}"`);
  return workers;
}

function parseServer(name: string): ServerName {
  if (!isServerName(name)) throw new UsageError(`--server must be ${orList(SERVER_NAMES)}, not "${name}"`);
  return name;
}

export function parseServeArgs(argv: readonly string[]): ParsedArgs {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, (message) => new UsageError(message));
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  if (positionals.length > 1) throw new UsageError(`one app at a time: got "${positionals[0]}" and "${positionals[1]}"`);
  const appPath = positionals[0];
  if (appPath === undefined) throw new UsageError('no app given', true);
  const server = values.server === undefined ? 'simple' : parseServer(values.server);
  return {
    kind: 'serve',
    appPath,
    server,
    workers: values.workers === undefined ? DEFAULT_WORKERS : parseWorkers(values.workers, server),
    port: values.port === undefined ? 8000 : parsePort(values.port),
    host: values.host ?? '127.0.0.1',
    validate: values.validate === true,
    sandbox: values.sandbox === true,
  };
}
