/**
 * What the child tells the parent about each request: the environ the app saw
 * (its string-valued keys) and the errors the app raised. Records are sent as
 * they happen, so they survive the process dying in the middle of a request.
 */
import type { AppErrorRecord, EnvironRecord } from '../types.ts';
import { appErrorRecord } from './describe-error.ts';

type RecordMessage =
  | { t: 'request'; seq: number; environ: EnvironRecord }
  | { t: 'app-error'; seq: number; error: AppErrorRecord };

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

  constructor(
    private readonly send: (message: RecordMessage) => void,
    private readonly sourceDir: string,
  ) {}

  /** The server's onEnviron hook: a request is about to reach the app. */
  readonly onEnviron = (environ: Readonly<Record<string, unknown>>): void => {
    const seq = this.nextSeq++;
    this.seqOf.set(environ, seq);
    this.lastSeq = seq;
    this.send({ t: 'request', seq, environ: stringKeys(environ) });
  };

  /** The server's onAppError hook (and the app proxy's fallback). */
  readonly onAppError = (error: unknown, environ?: Readonly<Record<string, unknown>>): void => {
    if (typeof error === 'object' && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    const seq = (environ !== undefined ? this.seqOf.get(environ) : undefined) ?? this.lastSeq;
    if (seq < 0) return;
    this.send({ t: 'app-error', seq, error: appErrorRecord(error, this.sourceDir) });
  };
}
