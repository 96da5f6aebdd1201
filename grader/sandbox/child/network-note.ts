/**
 * Where Node's permission model gates the network (Node 25+: --allow-net,
 * which an app process never gets), an app that tries to connect somewhere —
 * to send its answers out, or fetch someone else's — is denied by Node
 * itself. This only makes the attempt visible: a line in the app's output,
 * with the request it happened in, so the report says what was tried.
 *
 * Every client connection in Node (net.connect, http.request, fetch) goes
 * through net.Socket.prototype.connect; the connections an app process
 * serves are handed to it already connected and never call it.
 */
import { Socket } from 'node:net';

/** True when this process runs under a permission model that denies it the network. */
export function networkDenied(): boolean {
  return process.allowedNodeEnvironmentFlags.has('--allow-net')
    && typeof process.permission?.has === 'function'
    && !process.permission.has('net');
}

/** "127.0.0.1:8080", "example.org:443", or a socket path, from connect()'s many argument forms. */
export function connectTarget(args: readonly unknown[]): string {
  const [first, second] = args;
  if (Array.isArray(first)) return connectTarget(first);
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof options.path === 'string') return options.path;
    return `${typeof options.host === 'string' ? options.host : 'localhost'}:${String(options.port ?? '?')}`;
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return first;
  return `${typeof second === 'string' ? second : 'localhost'}:${String(first ?? '?')}`;
}

/** Call `note` with one line for each connection the app tries to open; Node denies it all the same. */
export function noteNetworkAttempts(note: (line: string) => void): void {
  if (!networkDenied()) return;
  const connect = Socket.prototype.connect;
  Socket.prototype.connect = function noted(this: Socket, ...args: unknown[]) {
    note(`[sandbox] network access denied: the app tried to connect to ${connectTarget(args)} (app processes have no network)`);
    return (connect as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof Socket.prototype.connect;
}
