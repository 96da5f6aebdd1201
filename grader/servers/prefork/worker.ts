/**
 * A prefork worker (gunicorn's SyncWorker): one process, one instance of the
 * app, serving the connections its master hands over with the socket
 * server's parser and WSGI bridge (socket/service.ts) — no listener of its
 * own. It differs from `socket` where a multi-process server must:
 *
 * - wsgi.multiprocess is true (PEP 3333: "the same application object may be
 *   simultaneously invoked by another process"); wsgi.multithread stays false.
 * - One request per connection, then `Connection: close` (RFC 9112 §9.6), as
 *   gunicorn's sync workers do: the next request comes on a new connection,
 *   which the master may give to any worker.
 * - The extension key prefork.worker says which worker (1-based) answered.
 */
import { serverSoftware } from '../common/software.ts';
import type { ServerOptions } from '../types.ts';
import type { EnvironPolicy } from '../../wsgi/environ.ts';
import type { Application } from '../../wsgi/types.ts';
import { createSocketService, type ServiceFlavour, type SocketService } from '../socket/service.ts';
import { SOCKET_POLICY } from '../socket/task.ts';

export const PREFORK_POLICY: Readonly<EnvironPolicy> = Object.freeze({
  ...SOCKET_POLICY,
  serverName: 'prefork.invalid',
  // Several processes run the app at once; each runs it one request at a time.
  multiprocess: true,
  multithread: false,
});

export function preforkFlavour(worker: number): ServiceFlavour {
  return {
    software: serverSoftware('prefork'),
    policy: PREFORK_POLICY,
    prefix: 'prefork',
    extensions: { 'prefork.worker': worker },
    keepAlive: false,
  };
}

export interface PreforkWorkerOptions extends ServerOptions {
  /** This worker's 1-based index among the master's workers. */
  worker: number;
  /** The master's port: SERVER_PORT, since clients connect there. */
  masterPort: number;
}

/** A worker's serving side: hand it each connection the master passed on. */
export function startPreforkWorker(app: Application, options: PreforkWorkerOptions): SocketService {
  // Each line names its worker: the log of several processes interleaves, and who answered is the lesson.
  const sink = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log = (line: string): void => sink(`[worker ${options.worker}] ${line}`);
  return createSocketService(app, { ...options, log }, preforkFlavour(options.worker), options.masterPort);
}
