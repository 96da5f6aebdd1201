/**
 * An app that tries to reach the outside — to send its answers out or fetch
 * someone else's — stands here as a connection to a listener of the test's own
 * on loopback. Node 25+ denies it (app processes never get --allow-net) and the
 * app's output says what was tried; on Node 20–24 it gets through, as
 * sandboxReport() says.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNetworkPermission } from '../../grader/sandbox/node-flags.ts';
import { sandboxReport } from '../../grader/sandbox/report.ts';
import { connectTarget } from '../../grader/sandbox/child/network-note.ts';
import { TYPES, get, killAll, prepared, removeTemps, start, tempDir, writeFiles } from './helpers.ts';

let outside: Server;
let port: number;
let arrived = 0;

beforeAll(async () => {
  outside = createServer((socket) => {
    arrived++;
    // The app closes its end at once: a reset here is expected.
    socket.on('error', () => {});
    socket.end('the answers\n');
  });
  await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
  port = (outside.address() as AddressInfo).port;
});

afterAll(async () => {
  await killAll();
  removeTemps();
  await new Promise((resolve) => outside.close(resolve));
});

function phoneHome(target: number): string {
  return `${TYPES}
import { connect } from 'node:net';
let outcome = 'pending';
const socket = connect({ host: '127.0.0.1', port: ${target} });
socket.on('connect', () => { outcome = 'connected'; socket.destroy(); });
socket.on('error', (error: NodeJS.ErrnoException) => { outcome = error.code ?? error.message; });
export function application(_environ: Environ, startResponse: StartResponse): ResponseBody {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(outcome)];
}
`;
}

async function outcomeOf(app: Parameters<typeof get>[0]): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const got = await get(app, '/');
    if ('text' in got && got.text !== 'pending') return got.text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'pending';
}

describe.each(['simple', 'socket'] as const)('an app that phones home, on %s', (server) => {
  it.runIf(hasNetworkPermission())('is denied by Node, and its output says what it tried (Node 25+)', async () => {
    const before = arrived;
    const app = await start(await prepared(writeFiles(join(tempDir(), 'phone-home'), { 'app.ts': phoneHome(port) }), tempDir()), server);
    expect(await outcomeOf(app)).toBe('ERR_ACCESS_DENIED');
    expect(arrived).toBe(before);
    expect(app.output().stderr).toContain(`[sandbox] network access denied: the app tried to connect to 127.0.0.1:${port}`);
    expect(sandboxReport().enforced).toContain('network denied (no --allow-net): the app can neither open connections nor listen');
  });

  it.skipIf(hasNetworkPermission())('gets through where Node has no network permission, as the sandbox report says (Node 20–24)', async () => {
    const before = arrived;
    const app = await start(await prepared(writeFiles(join(tempDir(), 'phone-home'), { 'app.ts': phoneHome(port) }), tempDir()), server);
    expect(await outcomeOf(app)).toBe('connected');
    expect(arrived).toBe(before + 1);
    expect(app.output().stderr).not.toContain('[sandbox]');
    expect(sandboxReport().notEnforced).toContainEqual(expect.stringMatching(/^network: .*no network permission/));
  });
});

describe('connectTarget', () => {
  it("names the target of each of connect()'s argument forms", () => {
    expect(connectTarget([8080, '127.0.0.1'])).toBe('127.0.0.1:8080');
    expect(connectTarget([8080])).toBe('localhost:8080');
    expect(connectTarget(['8080', 'example.org'])).toBe('example.org:8080');
    expect(connectTarget([{ host: 'example.org', port: 443 }])).toBe('example.org:443');
    expect(connectTarget([{ port: 80 }])).toBe('localhost:80');
    expect(connectTarget(['/run/answers.sock'])).toBe('/run/answers.sock');
    expect(connectTarget(['\\\\.\\pipe\\answers'])).toBe('\\\\.\\pipe\\answers');
    expect(connectTarget([{ path: 'C:\\answers.sock' }])).toBe('C:\\answers.sock');
    // net.Socket#connect as node:net's own helpers call it: the normalised [options, callback] pair.
    expect(connectTarget([[{ host: '10.0.0.1', port: 9 }, null]])).toBe('10.0.0.1:9');
  });
});
