import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Gate } from '../../../grader/servers/common/gate.ts';

const gates: Gate[] = [];
afterEach(() => {
  for (const gate of gates.splice(0)) gate.close();
});

/** A gate whose admitted connections answer "hello <what they sent>" once read. */
async function echoGate(admit: 'own' | 'any', claimMs?: number): Promise<{ gate: Gate; admitted: Socket[] }> {
  const admitted: Socket[] = [];
  const gate = await Gate.open({
    admit,
    ...(claimMs === undefined ? {} : { claimMs }),
    onConnection(socket) {
      admitted.push(socket);
      socket.once('data', (data) => socket.end(`hello ${data.toString()}`));
      socket.resume();
    },
  });
  gates.push(gate);
  return { gate, admitted };
}

/** Send `text`, resolve with all that comes back before the close ('' when closed unanswered). */
function exchange(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve(got));
    socket.write(text);
  });
}

describe('Gate', () => {
  it("admits its own client's connections and turns others away, unread ('own')", async () => {
    const { gate, admitted } = await echoGate('own', 300);
    expect(await exchange(gate.connect(), 'mine')).toBe('hello mine');
    expect(await exchange(connect(gate.port, '127.0.0.1'), 'scanner')).toBe('');
    expect(admitted).toHaveLength(1);
    expect(gate.refused).toBe(1);
  });

  it('admits every one of many own connections opened at once, whichever side of the handshake completes first', async () => {
    const { gate, admitted } = await echoGate('own');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => exchange(gate.connect(), String(i))));
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => `hello ${i}`));
    expect(admitted).toHaveLength(40);
    expect(gate.refused).toBe(0);
  });

  it('does not admit a stranger that connects while an own connection is open', async () => {
    const { gate } = await echoGate('own', 200);
    const mine = gate.connect();
    await new Promise((resolve) => mine.once('connect', resolve));
    expect(await exchange(connect(gate.port, '127.0.0.1'), 'stranger')).toBe('');
    expect(await exchange(mine, 'still mine')).toBe('hello still mine');
  });

  it('closes a flood of strangers without keeping more than a bounded few waiting', async () => {
    const { gate, admitted } = await echoGate('own', 5_000);
    const strangers = Array.from({ length: 100 }, () => connect(gate.port, '127.0.0.1'));
    const closed = strangers.map((socket) => new Promise((resolve) => {
      socket.on('error', () => {});
      socket.on('close', resolve);
    }));
    // Beyond the bound each is closed at once (long before the 5 s claim time); close() ends the ones still waiting.
    for (let i = 0; i < 200 && gate.refused < 100 - 64; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gate.refused).toBe(100 - 64);
    gate.close();
    await Promise.all(closed);
    expect(admitted).toHaveLength(0);
  });

  it("admits anyone with 'any' (npm run serve: the student's own machine)", async () => {
    const { gate } = await echoGate('any');
    expect(await exchange(connect(gate.port, '127.0.0.1'), 'curl')).toBe('hello curl');
  });

  it('frees its port as soon as it is closed, and rejects with the errno when it cannot listen', async () => {
    const { gate } = await echoGate('any');
    const port = gate.port;
    await expect(Gate.open({ admit: 'any', port, onConnection: () => {} })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    gate.close();
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => again.close(resolve));
  });
});
