/**
 * The simple server: WSGI over node:http, in the spirit of Python's
 * wsgiref.simple_server — node:http parses and frames HTTP, this module turns
 * each request into an environ, runs the app through the shared handler, and
 * logs one Common Log Format line per request.
 *
 * One request at a time, in arrival order across all connections, so the app
 * is never re-entered (wsgi.multithread false).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { formatAccessLine, type AccessRecord } from '../common/access-log.ts';
import { createSerialQueue } from '../common/serial-queue.ts';
import { serverSoftware } from '../common/software.ts';
import { statusText } from '../../wsgi/status.ts';
import { listen } from '../common/listen.ts';
import type { LogSink, RunningServer, ServerOptions, Service, StartServer } from '../types.ts';
import { buildEnviron, type RequestHead } from '../../wsgi/environ.ts';
import { isThenable } from '../../wsgi/app-result.ts';
import { reportAppError, runApplication, type HandlerHooks } from '../../wsgi/handler.ts';
import type { MaybePromise } from '../../wsgi/steps.ts';
import type { Application } from '../../wsgi/types.ts';
import { validate } from '../../wsgi/validate/index.ts';
import { simpleEnvironPolicy } from './policy.ts';
import { declaredTooLarge, readBody, type BodyResult } from './read-body.ts';
import { nodeResponseTransport } from './transport.ts';
import { clientErrorHandler, codingRefusal } from './transfer-coding.ts';

/** Largest request body read into wsgi.input; larger → 413. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const SOFTWARE = serverSoftware('simple');


function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The request line and peer as node:http parsed them (RFC 9112 §3). */
function requestHead(req: IncomingMessage, serverPort: number): RequestHead {
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const head: RequestHead = {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    version: req.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1',
    headers,
    serverPort,
    // node:http decodes a chunked body (and accepts no other transfer coding).
    chunked: req.headers['transfer-encoding'] !== undefined,
  };
  if (req.socket.remoteAddress !== undefined) head.remoteAddress = req.socket.remoteAddress;
  return head;
}

/**
 * An answer the server gives without calling the app (413). The connection is
 * closed after it: the rest of the body was not read (RFC 9112 §9.6 — a
 * server that answers early must read the body or close).
 */
function refuse(res: ServerResponse, code: number, text: string): number {
  const body = Buffer.from(`${text}\n`);
  res.writeHead(code, statusText(code).slice(4), {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.byteLength),
    Connection: 'close',
    Server: SOFTWARE,
  });
  res.end(body);
  return body.byteLength;
}

/**
 * The simple server without its listener: node:http parses the connections
 * it is given (its 'connection' event, which node:http lets callers emit);
 * for each request it reads the whole body (bounded), builds the environ with
 * the simple policy, runs the app through the shared handler, logs a CLF
 * line. `serverPort` is SERVER_PORT: the port clients connected to.
 */
export function createSimpleService(app: Application, options: ServerOptions, serverPort: number): Service {
  const log: LogSink = options.log ?? stderrLog;
  const errors: LogSink = options.errors ?? log;
  const maxBodyBytes = options.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onAppError = options.onAppError;
  const hooks: HandlerHooks = { log, software: SOFTWARE, ...(onAppError !== undefined ? { onAppError } : {}) };
  // A violation is reported where the validator finds it: the app may catch what it throws.
  const application = options.validate ? validate(app, { onViolation: (violation, environ) => reportAppError(hooks, environ, violation) }) : app;
  const enqueue = createSerialQueue();
  let requestCount = 0;
  const policy = simpleEnvironPolicy(() => ++requestCount);
  const server = createServer();

  function accessLog(head: RequestHead, time: number, status: number, bytes: number): void {
    const record: AccessRecord = { time, method: head.method, target: head.target, version: head.version, status, bytes };
    if (head.remoteAddress !== undefined) record.remoteAddress = head.remoteAddress;
    log(formatAccessLine(record));
  }

  /** Run the app for one request whose body was read; at once when nothing has to wait. */
  function serve(req: IncomingMessage, res: ServerResponse, head: RequestHead, time: number, read: BodyResult): MaybePromise<void> {
    if (read.kind === 'incomplete') return;
    if (read.kind === 'too-large') {
      accessLog(head, time, 413, refuse(res, 413, `request body larger than ${maxBodyBytes} bytes`));
      return;
    }
    const environ = buildEnviron(head, read.body, policy, errors);
    options.onEnviron?.(environ);
    const transport = nodeResponseTransport(req, res);
    const result = runApplication(application, environ, transport, hooks);
    if (!isThenable(result)) return accessLog(head, time, result.status, result.bytesSent);
    return result.then((done) => accessLog(head, time, done.status, done.bytesSent));
  }

  /** A fault of the server itself (not of the app, which the handler contains). */
  function fault(res: ServerResponse, error: unknown): void {
    log(`simple server error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    res.destroy();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const time = Date.now();
    const head = requestHead(req, serverPort);
    // node:http decodes chunked and nothing else: a body still coded (deflate, chunked) must not reach the app as plain.
    const refusal = codingRefusal(req);
    if (refusal !== undefined) {
      accessLog(head, time, refusal.status, refuse(res, refusal.status, refusal.message));
      return;
    }
    const body = readBody(req, maxBodyBytes);
    // The slot is taken at arrival, so requests run in arrival order.
    let done: MaybePromise<void>;
    try {
      done = enqueue(() => (isThenable(body) ? body.then((read) => serve(req, res, head, time, read)) : serve(req, res, head, time, body)));
    } catch (error) {
      fault(res, error);
      return;
    }
    if (isThenable(done)) done.then(undefined, (error: unknown) => fault(res, error));
  }

  server.on('request', handle);
  server.on('clientError', clientErrorHandler(SOFTWARE, (refused) => {
    log(formatAccessLine({ time: Date.now(), method: refused.method, target: refused.target, version: refused.version, status: refused.status, bytes: refused.bytes }));
  }));
  // RFC 9110 §10.1.1: a client that sent Expect: 100-continue gets 100 only
  // when the body will be read; a body declared too large gets 413 at once.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaredTooLarge(req, maxBodyBytes)) {
      const head = requestHead(req, serverPort);
      accessLog(head, Date.now(), 413, refuse(res, 413, `request body larger than ${maxBodyBytes} bytes`));
      return;
    }
    // A coding it will not decode is refused before the client sends the body.
    if (codingRefusal(req) === undefined) res.writeContinue();
    handle(req, res);
  });

  // Tracked here: node:http tracks connections only once it listens itself.
  const sockets = new Set<Socket>();
  return {
    accept(socket: Socket): void {
      sockets.add(socket);
      // As node:http's own listener: a client that ends its side after sending still gets the answer.
      socket.allowHalfOpen = true;
      socket.once('close', () => sockets.delete(socket));
      server.emit('connection', socket);
      // Accepted paused by whoever listens (so that it reads no byte of the request): reading starts here.
      socket.resume();
    },
    async close(): Promise<void> {
      const closed = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
      // Idle keep-alive connections would wait forever; a request being served ends with its connection.
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    },
    get size(): number {
      return sockets.size;
    },
  };
}

/** Start the simple server (grader/servers/types.ts StartServer): a listener in front of the service. */
export const startSimpleServer: StartServer = (app: Application, options: ServerOptions = {}): Promise<RunningServer> =>
  listen('simple', options, (serverPort) => createSimpleService(app, options, serverPort));
