/**
 * What the child tells the parent about each request: the environ the app saw
 * (its string-valued keys), the errors the app raised, and what it printed
 * (console.log, wsgi.errors) while the request was its latest, so a failing
 * test can show the student their own output.
 *
 * Records are batched: one IPC message per request cost the child more CPU
 * than many requests do. A batch goes out when the parent asks (flush() before
 * each reply), when it is full, and FLUSH_MS after its first record, so a
 * process that dies loses at most the last few milliseconds of records. (An
 * app stuck in a synchronous loop blocks the timer too: the records since the
 * last flush go with the process.)
 */
import type { ChildMessage, RecordItem } from '../protocol.ts';
import type { AppOutputStream, EnvironRecord } from '../types.ts';
import { appErrorRecord } from './describe-error.ts';

type RecordBatch = Extract<ChildMessage, { t: 'records' }>;

/** How long a record may wait in the child. */
export const FLUSH_MS = 5;
/** Items per message at most (the parent reads no more than MAX_BATCH_ITEMS). */
export const MAX_BATCH = 64;
/** Printed text kept per request: a test shows a few lines, not a flood. */
export const OUTPUT_PER_REQUEST = 4096;

// Taken before student code runs, which could replace the globals.
const schedule = setTimeout;
const cancel = clearTimeout;

export function stringKeys(environ: Readonly<Record<string, unknown>>): EnvironRecord {
  const out: EnvironRecord = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

export class Recorder {
  private nextSeq = 0;
  private lastSeq = -1;
  private readonly seqOf = new WeakMap<object, number>();
  /** An error can reach us twice (the server's hook and the app proxy); report it once. */
  private readonly reported = new WeakSet<object>();
  private batch: RecordItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Printed before the first request of the current app (at its load): it goes with that request. */
  private preamble: Array<{ stream: AppOutputStream; text: string }> = [];
  /** Characters of output recorded for the latest request (or the preamble). */
  private printed = 0;

  constructor(
    private readonly send: (message: RecordBatch) => void,
    private readonly sourceDir: string,
  ) {}

  /** Send what is waiting (before a reply to the parent, or a message that the process is ending). */
  readonly flush = (): void => {
    if (this.timer !== undefined) {
      cancel(this.timer);
      this.timer = undefined;
    }
    if (this.batch.length === 0) return;
    const items = this.batch;
    this.batch = [];
    this.send({ t: 'records', items });
  };

  private add(item: RecordItem): void {
    this.batch.push(item);
    if (this.batch.length >= MAX_BATCH) this.flush();
    else if (this.timer === undefined) this.timer = schedule(this.flush, FLUSH_MS).unref();
  }

  /** The server's onEnviron hook: a request is about to reach the app. */
  readonly onEnviron = (environ: Readonly<Record<string, unknown>>): void => {
    const seq = this.nextSeq++;
    this.seqOf.set(environ, seq);
    this.lastSeq = seq;
    // A wall-clock time with sub-millisecond precision: a prefork pool's records merge by it.
    this.add({ t: 'request', seq, environ: stringKeys(environ), at: performance.timeOrigin + performance.now() });
    const early = this.preamble;
    this.preamble = [];
    this.printed = 0;
    for (const piece of early) this.onOutput(piece.stream, piece.text);
  };

  /** A new app instance (fresh()): what it prints now belongs to the request that comes next. */
  readonly onAppLoad = (): void => {
    this.lastSeq = -1;
    this.preamble = [];
    this.printed = 0;
  };

  /** The app printed `text` (console.log, process.stdout/stderr, or a wsgi.errors line). */
  readonly onOutput = (stream: AppOutputStream, text: string): void => {
    if (text === '') return;
    const room = OUTPUT_PER_REQUEST - this.printed;
    if (room <= 0) return;
    const kept = text.length > room ? `${text.slice(0, room)}\n[… more output not shown]\n` : text;
    this.printed += text.length > room ? room : text.length;
    if (this.lastSeq < 0) this.preamble.push({ stream, text: kept });
    else this.add({ t: 'output', seq: this.lastSeq, stream, text: kept });
  };

  /** The server's onAppError hook (and the app proxy's fallback). */
  readonly onAppError = (error: unknown, environ?: Readonly<Record<string, unknown>>): void => {
    if (typeof error === 'object' && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    const seq = (environ !== undefined ? this.seqOf.get(environ) : undefined) ?? this.lastSeq;
    if (seq < 0) return;
    this.add({ t: 'app-error', seq, error: appErrorRecord(error, this.sourceDir) });
  };
}
