/**
 * The registry of servers: start any of them by name with the same options.
 */
import type { Application, ServerName } from '../wsgi/types.ts';
import type { RunningServer, ServerOptions, StartServer } from './types.ts';
import { startSimpleServer } from './simple/server.ts';
import { startSocketServer } from './socket/server.ts';

export const SERVERS: Record<ServerName, StartServer> = {
  simple: startSimpleServer,
  socket: startSocketServer,
};

export function isServerName(name: string): name is ServerName {
  return Object.hasOwn(SERVERS, name);
}

export function startServer(name: ServerName, app: Application, options?: ServerOptions): Promise<RunningServer> {
  return SERVERS[name](app, options);
}

export type { RunningServer, ServerOptions, StartServer } from './types.ts';
