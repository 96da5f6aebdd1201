/**
 * The entry point of an app process (bundled into one file by
 * ensureRuntimeBundle()). It loads the student's bundle and serves it with
 * one server's service — never a listener: the parent listens, and passes
 * each connection it admits over IPC, so the app process needs no network
 * permission at all. It answers the parent over IPC:
 *   → loading (the student's module is imported now) → ready | load-error {message}
 *   → records (request / app-error) in batches: every few ms, and before each reply
 *   ← connection (with the socket as the message's handle): serve it
 *   ← fresh (re-import the app: new state) and sync (a barrier), each → reply
 */
import { Socket } from 'node:net';
import { SERVICES } from '../../servers/index.ts';
import { startPreforkWorker } from '../../servers/prefork/worker.ts';
import type { ServerOptions, Service } from '../../servers/types.ts';
import type { Application } from '../../wsgi/types.ts';
import { HANDOFF, parseParentMessage, type ChildMessage } from '../protocol.ts';
import { takeConfig } from './config.ts';
import { errorHeadline } from './describe-error.ts';
import { installGuards } from './guards.ts';
import { AppLoader } from './loader.ts';
import { isAccessLine } from './access-lines.ts';
import { tapOutput } from './output-tap.ts';
import { Recorder } from './recorder.ts';
import { installSqliteGuard } from './sqlite-guard.ts';
import { noteNetworkAttempts } from './network-note.ts';

const config = takeConfig();
const exit = process.exit.bind(process);
const rawSend = process.send?.bind(process);
if (rawSend === undefined) {
  process.stderr.write('the app process must be started with an IPC channel (startAppProcess())\n');
  exit(70);
}

/** Send to the parent; a closed channel is not an error worth dying for (the callback swallows it). */
function send(message: ChildMessage, done: () => void = () => {}): void {
  try {
    rawSend!({ ...message, nonce: config.nonce }, undefined, undefined, () => done());
  } catch {
    done();
  }
}

function fail(message: ChildMessage): void {
  send(message, () => exit(1));
}

const recorder = new Recorder(send, config.sourceDir);
// Before student code: what the app prints is also recorded per request; the host's own lines are not.
const raw = tapOutput(recorder.onOutput);

function writeLog(line: string): void {
  raw.stderr(line.endsWith('\n') ? line : `${line}\n`);
}
// Records first, so the parent has them before it learns the process is ending.
installGuards((message) => {
  recorder.flush();
  send(message);
}, config.sourceDir);
// Node denies the network (25+); the report says what the app tried, with the request it happened in.
noteNetworkAttempts((line) => {
  recorder.onOutput('stderr', `${line}\n`);
  writeLog(line);
});
// node:sqlite writes files the permission model does not see: only the granted folder's.
installSqliteGuard(config.writableDir);
// The parent went away (or the app cut the channel): nobody will use this process again.
process.on('disconnect', () => exit(0));

const loader = new AppLoader(config.bundlePath, config.entryName, config.sourceDir);
// The start limit is the app's: it runs from here, not from the spawn (Node's own start on a busy machine).
send({ t: 'loading' });
const first = await loader.load();

if (!first.ok) {
  fail({ t: 'load-error', message: first.message });
} else {
  let current: Application = first.app;
  const extra = Object.entries(config.environ ?? {});
  // Forwards to the current instance, so fresh() needs no server restart.
  const application: Application = (environ, startResponse) => {
    // The grader's extension keys (PEP 3333 "environ Variables"), e.g. todo.database.
    for (const [key, value] of extra) environ[key] = value;
    try {
      return current(environ, startResponse);
    } catch (error) {
      recorder.onAppError(error, environ);
      throw error;
    }
  };

  const options: ServerOptions = {
    validate: config.validate,
    onEnviron: recorder.onEnviron,
    onAppError: recorder.onAppError,
    log: config.accessLog === true ? writeLog : (line) => {
      if (!isAccessLine(line)) writeLog(line);
    },
    // wsgi.errors is the app's own output: to the log, and recorded with its request.
    errors: (line) => {
      recorder.onOutput('wsgi.errors', `${line}\n`);
      writeLog(line);
    },
  };

  const serving = serve(application, options);
  // One queue: replies go out in the order the parent asked.
  let queue: Promise<void> = Promise.resolve();
  process.on('message', (raw: unknown, handle: unknown) => {
    // A connection the parent admitted: served at once, never queued behind a reply.
    if (isHandoff(raw)) {
      if (handle instanceof Socket) serving.accept(handle);
      return;
    }
    const message = parseParentMessage(raw);
    if (message === undefined) return;
    queue = queue.then(async () => {
      // A reply is a barrier: the records made before it go first.
      recorder.flush();
      if (message.t === 'sync') return send({ t: 'reply', id: message.id });
      if (message.t === 'stop') {
        // Graceful (gunicorn's SIGTERM to a worker): finish what is served, then exit.
        await serving.close();
        recorder.flush();
        return send({ t: 'reply', id: message.id }, () => exit(0));
      }
      recorder.onAppLoad();
      const next = await loader.load();
      if (next.ok) {
        current = next.app;
        send({ t: 'reply', id: message.id });
      } else {
        send({ t: 'reply', id: message.id, error: next.message });
      }
    });
  });
  send({ t: 'ready' });
}

/** The server's service; SERVER_PORT is the port of the parent's listener (a prefork worker's: its master's). */
function serve(application: Application, options: ServerOptions): Service {
  if (config.server !== 'prefork') return SERVICES[config.server](application, options, config.port);
  return startPreforkWorker(application, { ...options, worker: config.worker ?? 1, masterPort: config.port });
}

function isHandoff(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { t?: unknown }).t === HANDOFF;
}
