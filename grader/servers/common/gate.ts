/**
 * The listener in front of an app that must not listen itself. It lives in
 * a trusted process (the grader, `serve`, the prefork master), accepts each
 * connection paused — no byte read, so whoever serves it gets the whole
 * request — and passes it on.
 *
 * Who may come in:
 * - 'any': every client (`npm run serve`: the student's own machine).
 * - 'own': only connections this process opened through connect(). A
 *   classmate's app process scanning loopback finds the port, but its
 *   connection is closed unserved. The check is the TCP 4-tuple: the
 *   accepted socket's remote address and port must be the local address and
 *   port of one of our own live client sockets — no other socket can hold
 *   that pair towards this listener at the same time.
 *
 * Accept and connect complete in the same event loop in either order, so a
 * connection whose client has not reported its local port yet waits a short
 * while for it, paused and bounded, then is closed.
 */
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export type Admission = 'own' | 'any';

export interface GateOptions {
  admit: Admission;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 0 (the default): any free port. */
  port?: number;
  /** An admitted connection, still paused: start reading it (resume()) where it is served. */
  onConnection(socket: Socket): void;
  /** How long an unknown connection waits for its client to show up ('own'). Default 2 s. */
  claimMs?: number;
}

/** Unknown connections kept waiting at most; more are closed at once (a scan cannot pile them up). */
const MAX_UNCLAIMED = 64;

function key(address: string | undefined, port: number | undefined): string {
  return `${address ?? ''}|${port ?? ''}`;
}

interface Unclaimed {
  socket: Socket;
  timer: NodeJS.Timeout;
}

export class Gate {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Connections turned away ('own': not ours). */
  refused = 0;
  /** Local endpoints of our own live client sockets. */
  private readonly own = new Set<string>();
  private readonly unclaimed = new Map<string, Unclaimed>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly options: GateOptions,
  ) {
    const address = server.address() as AddressInfo;
    this.port = address.port;
    this.host = address.address;
    this.url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  /** Listen; rejects with the listen error (EADDRINUSE, EACCES, …). */
  static async open(options: GateOptions): Promise<Gate> {
    // allowHalfOpen: a client that ends its side after sending a request still gets the answer.
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const gate = new Gate(server, options);
    server.on('connection', (socket: Socket) => gate.arrive(socket));
    // After listen, an accept error (EMFILE) costs that one connection, not the gate.
    server.on('error', () => {});
    return gate;
  }

  /**
   * Open a connection to this gate that it admits: the way the grader's own
   * client reaches the app behind it.
   */
  connect(): Socket {
    const socket = netConnect({ host: this.host, port: this.port });
    let mine: string | undefined;
    socket.once('connect', () => {
      mine = key(socket.localAddress, socket.localPort);
      this.own.add(mine);
      this.claim(mine);
    });
    socket.once('close', () => {
      if (mine !== undefined) this.own.delete(mine);
    });
    return socket;
  }

  /**
   * Stop listening (at once: the port is free when this returns). Connections
   * already passed on are not the gate's to wait for — server.close()'s
   * callback would wait on those handed to another process over IPC, whose
   * acknowledgement a killed process never sends.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { socket, timer } of this.unclaimed.values()) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.unclaimed.clear();
    this.server.close();
  }

  private arrive(socket: Socket): void {
    // A reset before it was passed on: nothing to serve.
    socket.on('error', () => socket.destroy());
    if (this.closed) {
      socket.destroy();
      return;
    }
    if (this.options.admit === 'any') return this.pass(socket);
    const peer = key(socket.remoteAddress, socket.remotePort);
    if (this.own.has(peer)) return this.pass(socket);
    if (this.unclaimed.size >= MAX_UNCLAIMED || this.unclaimed.has(peer)) return this.turnAway(socket);
    const timer = setTimeout(() => {
      this.unclaimed.delete(peer);
      this.turnAway(socket);
    }, this.options.claimMs ?? 2_000);
    timer.unref();
    this.unclaimed.set(peer, { socket, timer });
  }

  /** Our client has connected: pass on its connection if it arrived first. */
  private claim(peer: string): void {
    const waiting = this.unclaimed.get(peer);
    if (waiting === undefined) return;
    this.unclaimed.delete(peer);
    clearTimeout(waiting.timer);
    this.pass(waiting.socket);
  }

  private pass(socket: Socket): void {
    this.options.onConnection(socket);
  }

  private turnAway(socket: Socket): void {
    this.refused++;
    socket.destroy();
  }
}
