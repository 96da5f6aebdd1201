/**
 * A server's own listener: listen, then give every accepted connection to
 * the server's service. The same for every server, so that "a server" is
 * its service, and a trusted process can put a gate in front of it instead
 * (common/gate.ts).
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ServerName } from '../names.ts';
import type { RunningServer, ServerOptions, Service } from '../types.ts';

/** Listen on options.host/port; `serviceFor` gets the port (SERVER_PORT) once it is known. */
export async function listen(name: ServerName, options: ServerOptions, serviceFor: (serverPort: number) => Service): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // allowHalfOpen: a client that ends its side after sending a request still gets the answer.
  const server = createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listen, a server error (e.g. EMFILE on accept) is logged, not thrown.
  server.on('error', (error: Error) => log(`${name} server: ${error.message}`));
  const address = server.address() as AddressInfo;
  const service = serviceFor(address.port);
  server.on('connection', (socket: Socket) => service.accept(socket));
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    name,
    url: `http://${urlHost}:${address.port}`,
    host: options.host ?? '127.0.0.1',
    port: address.port,
    async close(): Promise<void> {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
      await stopped;
    },
  };
}
