/**
 * The command line of `npm run serve`. Mistakes become one-line UsageErrors.
 */
import { SERVER_NAMES, type ServerName } from '../wsgi/types.ts';

function isServerName(name: string): name is ServerName {
  return (SERVER_NAMES as readonly string[]).includes(name);
}

export const USAGE = `Usage: npm run serve -- <app.ts | folder with app.ts> [options]

Runs a WSGI application on one of the kit's servers and reloads it when
its .ts files change. Each request is logged (Common Log Format).

Options:
  --server simple|socket  the server to run (default: simple)
  --port N                the port to listen on (default: 8000; 0: any free port)
  --host H                the interface to listen on (default: 127.0.0.1)
  --validate              check every request against the WSGI contract, as the grader does
  --sandbox               run under the grader's restrictions (no file writes, processes, threads)
  -h, --help              show this help

Example: npm run serve -- starter/app.ts --server socket --validate`;

export interface ServeArgs {
  appPath: string;
  server: ServerName;
  port: number;
  host: string;
  validate: boolean;
  sandbox: boolean;
}

export type ParsedArgs = { help: true } | ({ help: false } & ServeArgs);

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

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not "${text}"`);
  return port;
}

export function parseServeArgs(argv: readonly string[]): ParsedArgs {
  const args: Omit<ServeArgs, 'appPath'> & { appPath?: string } = {
    server: 'simple',
    port: 8000,
    host: '127.0.0.1',
    validate: false,
    sandbox: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw new UsageError(`${name} needs a value — see --help`);
      i += 1;
      return next;
    };
    const flag = (): true => {
      if (eq !== -1) throw new UsageError(`${name} takes no value — see --help`);
      return true;
    };
    switch (name) {
      case '-h':
      case '--help':
        return { help: true };
      case '--server': {
        const server = value();
        if (!isServerName(server)) throw new UsageError(`--server must be simple or socket, not "${server}"`);
        args.server = server;
        break;
      }
      case '--port':
        args.port = parsePort(value());
        break;
      case '--host': {
        const host = value();
        if (host === '') throw new UsageError('--host needs a value — see --help');
        args.host = host;
        break;
      }
      case '--validate':
        args.validate = flag();
        break;
      case '--sandbox':
        args.sandbox = flag();
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${name} — see --help`);
        if (args.appPath !== undefined) throw new UsageError(`one app at a time: got "${args.appPath}" and "${arg}"`);
        args.appPath = arg;
    }
  }
  if (args.appPath === undefined) throw new UsageError('no app given', true);
  return { help: false, ...args, appPath: args.appPath };
}
