/**
 * A prefork worker's serving side, in-process, fed by a plain listener that
 * hands it each connection as the master does: the parts where a
 * multi-process server differs from `socket` (PEP 3333 wsgi.multiprocess,
 * RFC 9112 §9.6 Connection: close after one request).
 */
import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startPreforkWorker } from '../../../grader/servers/prefork/worker.ts';
import type { SocketService } from '../../../grader/servers/socket/service.ts';
import type { Application } from '../../../grader/wsgi/types.ts';
import { bytes, environDump } from '../apps.ts';

let listener: Server | undefined;
let worker: SocketService | undefined;

afterEach(async () => {
  await worker?.close();
  await new Promise<void>((resolve) => (listener === undefined ? resolve() : listener.close(() => resolve())));
  listener = undefined;
  worker = undefined;
});

/** A listener on a free port whose every connection goes to worker `index`; resolves to its port. */
async function serve(app: Application, index: number, masterPort: number, log?: (line: string) => void): Promise<number> {
  worker = startPreforkWorker(app, { worker: index, masterPort, ...(log === undefined ? {} : { log }) });
  const current = worker;
  listener = createServer({ pauseOnConnect: true }, (socket) => current.accept(socket));
  await new Promise<void>((resolve) => listener!.listen(0, '127.0.0.1', resolve));
  return (listener.address() as { port: number }).port;
}

/** Send raw bytes, read until the server closes the connection. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.write(raw);
  });
}

describe('a prefork worker', () => {
  it('says in the environ that several processes run the app, which worker it is, and the master port', async () => {
    const port = await serve((environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/json']]);
      return [bytes(JSON.stringify([environ['wsgi.multiprocess'], environ['wsgi.multithread'], environ['prefork.worker'], environ.SERVER_PORT, environ.SERVER_NAME]))];
    }, 3, 8123);
    const reply = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(reply.split('\r\n\r\n')[1]).toBe('[true,false,3,"8123","prefork.invalid"]');
  });

  it('answers one request per connection, with Connection: close, even to a keep-alive client that pipelines', async () => {
    const port = await serve(environDump, 1, 1);
    const reply = await exchange(port, 'GET /a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(reply.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(reply).toContain('"PATH_INFO":"/a"');
    expect(reply).not.toContain('"PATH_INFO":"/b"');
  });

  it('names itself in every log line: several workers write to one log', async () => {
    const lines: string[] = [];
    const port = await serve(environDump, 2, 1, (line) => lines.push(line));
    await exchange(port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    await exchange(port, 'BROKEN\r\n\r\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\[worker 2\] /);
  });
});
