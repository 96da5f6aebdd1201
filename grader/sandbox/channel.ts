/**
 * The parent's side of the IPC channel with one app process: it assembles
 * request records as they arrive (in batches) and pairs the child's replies with the
 * questions asked (fresh, sync). Junk and forged messages are dropped by
 * parseChildMessage(); nothing here trusts the child to answer at all.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { parseChildMessage, type ChildMessage, type ParentMessage, type RecordItem } from './protocol.ts';
import type { RequestRecord } from './types.ts';

/** Records kept for diagnosis at most (older ones are dropped first). */
const MAX_RECORDS = 2000;
/** Errors kept per request at most. */
const MAX_ERRORS = 20;
/** Pieces of printed text kept per request (the child caps their total size too). */
const MAX_OUTPUTS = 64;

/** The child's answer: `error` is set when it could not do what was asked. */
export type Answer = { answered: true; error?: string } | { answered: false };

interface Waiter {
  resolve: (answer: Answer) => void;
  timer: NodeJS.Timeout;
}

export class Channel {
  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();
  /** Records not yet drained, in arrival order. */
  private pending: RequestRecord[] = [];
  /** Recent records by sequence number, so errors arriving late still find theirs. */
  private readonly bySeq = new Map<number, RequestRecord>();
  private closed = false;
  /** Connections handed over but not yet written to the child (queued behind one it has not acknowledged). */
  private readonly handed = new Set<Socket>();

  constructor(
    private readonly child: ChildProcess,
    private readonly nonce: string,
    /** Messages other than records and replies (ready, load-error, ...). */
    private readonly onControl: (message: ChildMessage) => void,
  ) {
    child.on('message', (raw: unknown) => this.receive(raw));
  }

  private receive(raw: unknown): void {
    const message = parseChildMessage(raw, this.nonce);
    if (message === undefined) return;
    switch (message.t) {
      case 'records':
        for (const item of message.items) this.record(item);
        return;
      case 'reply': {
        const waiter = this.waiters.get(message.id);
        if (waiter === undefined) return;
        this.waiters.delete(message.id);
        clearTimeout(waiter.timer);
        waiter.resolve(message.error === undefined ? { answered: true } : { answered: true, error: message.error });
        return;
      }
      default:
        this.onControl(message);
    }
  }

  private record(item: RecordItem): void {
    if (item.t === 'request') {
      const record: RequestRecord = { environ: item.environ, errors: [], output: [], ...(item.at === undefined ? {} : { at: item.at }) };
      this.pending.push(record);
      this.bySeq.set(item.seq, record);
      if (this.bySeq.size > MAX_RECORDS) this.bySeq.delete(this.bySeq.keys().next().value!);
      if (this.pending.length > MAX_RECORDS) this.pending.shift();
      return;
    }
    const record = this.bySeq.get(item.seq);
    if (record === undefined) return;
    if (item.t === 'output') {
      if (record.output.length < MAX_OUTPUTS) record.output.push({ stream: item.stream, text: item.text });
    } else if (record.errors.length < MAX_ERRORS) record.errors.push(item.error);
  }

  /** Ask the child something; `answered: false` when it is gone or silent for `timeoutMs`. */
  ask(t: ParentMessage['t'], timeoutMs: number): Promise<Answer> {
    if (this.closed || !this.child.connected) return Promise.resolve({ answered: false });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const giveUp = (): void => {
        const waiter = this.waiters.get(id);
        if (waiter === undefined) return;
        this.waiters.delete(id);
        clearTimeout(waiter.timer);
        resolve({ answered: false });
      };
      this.waiters.set(id, { resolve, timer: setTimeout(giveUp, timeoutMs) });
      const message: ParentMessage = { t, id };
      try {
        this.child.send(message, (error) => {
          if (error !== null) giveUp();
        });
      } catch {
        giveUp();
      }
    });
  }

  /** Send a message with a handle (a prefork worker's connection); false when the child can't take it. */
  hand(message: object, handle: Socket): boolean {
    if (this.closed || !this.child.connected) return false;
    try {
      // send()'s false is backpressure, not refusal: the message is queued all the same (behind a handle
      // the child has not acknowledged yet, while it is busy). Reporting it as refused made the master hand
      // the same connection to another worker too.
      this.handed.add(handle);
      this.child.send(message, handle, (error) => {
        // Written: the connection is the child's now (or, on error, nobody's).
        this.handed.delete(handle);
        if (error !== null) handle.destroy();
      });
      return true;
    } catch {
      return false;
    }
  }

  /** The records since the last call. */
  takeRecords(): RequestRecord[] {
    const records = this.pending;
    this.pending = [];
    return records;
  }

  /** The process ended: nobody will answer any more. */
  close(): void {
    this.closed = true;
    // Node drops its queue of unsent handles when the child goes, without a callback: end those
    // connections here, or their clients wait on a socket nobody will ever serve.
    for (const socket of this.handed) socket.destroy();
    this.handed.clear();
    // The one written but not yet acknowledged: Node keeps its copy of the handle until the child's
    // acknowledgement, which will never come. No public API reaches it; without this, that client hangs.
    const pending = (this.child as unknown as { _pendingMessage?: { handle?: { close?: () => void } } | null })._pendingMessage;
    try {
      pending?.handle?.close?.();
    } catch {
      // Already closed.
    }
    for (const [id, waiter] of this.waiters) {
      this.waiters.delete(id);
      clearTimeout(waiter.timer);
      waiter.resolve({ answered: false });
    }
  }
}
