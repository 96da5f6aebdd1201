/**
 * The IPC messages between the grader (parent) and an app process (child).
 *
 * Student code runs in the same process as the child's host, so it could call
 * process.send() itself. Every message from the host therefore carries a nonce
 * that the host removes from its environment before any student code runs,
 * and the parent drops whatever does not parse. A forged message could at most
 * change diagnostics: scores come from what the grader observes over HTTP.
 */
import type { AppErrorRecord, AppOutputStream, EnvironRecord } from './types.ts';
import type { ServerName } from '../servers/names.ts';

/** The environment variable holding the child's configuration (JSON). */
export const CONFIG_ENV = 'WSGI_KIT_APP_PROCESS';

/** What the parent tells the child at spawn time. */
export interface ChildConfig {
  nonce: string;
  bundlePath: string;
  /** For stack locations: frames inside this folder are the student's. */
  sourceDir: string;
  /** Name of the entry file as the student knows it, e.g. "app.ts". */
  entryName: string;
  server: ServerName;
  validate: boolean;
  /** SERVER_PORT: the port of the listener in front of the app (the parent's, or a prefork master's). */
  port: number;
  /**
   * Write the servers' Common Log Format request lines to stderr. Off for
   * grading (they only filled the captured output); on for `npm run serve`.
   * App errors and wsgi.errors output are written either way.
   */
  accessLog?: boolean;
  /** The one folder the app may write (its database lives there); absent: none. */
  writableDir?: string;
  /** Extension keys added to every request's environ (PEP 3333 "environ Variables"), e.g. todo.database. */
  environ?: Record<string, string>;
  /** prefork (server 'prefork'): this worker's 1-based index; it serves connections its master hands over. */
  worker?: number;
}

/** Child → parent. */
export type ChildMessage =
  | { t: 'loading' }
  | { t: 'ready' }
  | { t: 'load-error'; message: string }
  | { t: 'records'; items: RecordItem[] }
  | { t: 'fatal'; message: string }
  | { t: 'exit-called'; code: string }
  | { t: 'reply'; id: number; error?: string };

/** What one request brought: its arrival (with the environ the app saw), or an error the app raised. */
export type RecordItem =
  | { t: 'request'; seq: number; environ: EnvironRecord; at?: number }
  | { t: 'app-error'; seq: number; error: AppErrorRecord }
  | { t: 'output'; seq: number; stream: AppOutputStream; text: string };

/** Items the parent reads from one 'records' message at most (the child sends up to 64). */
export const MAX_BATCH_ITEMS = 256;

/** Parent → child, each answered by a reply; 'stop' (prefork workers): finish what is served, then exit. */
export type ParentMessage = { t: 'fresh'; id: number } | { t: 'sync'; id: number } | { t: 'stop'; id: number };

/** Parent → app process, with an accepted connection as the message's handle. */
export const HANDOFF = 'connection';

/** Longest string the parent keeps from one message field. */
const MAX_TEXT = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function environRecord(value: unknown): EnvironRecord | undefined {
  if (!isRecord(value)) return undefined;
  const out: EnvironRecord = {};
  let keys = 0;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') continue;
    if (++keys > 500) break;
    out[key.slice(0, 256)] = item.slice(0, MAX_TEXT);
  }
  return out;
}

function appError(value: unknown): AppErrorRecord | undefined {
  if (!isRecord(value)) return undefined;
  const message = text(value.message);
  if (message === undefined) return undefined;
  const out: AppErrorRecord = { message };
  for (const key of ['code', 'rule', 'fix', 'section'] as const) {
    const item = text(value[key]);
    if (item !== undefined) out[key] = item;
  }
  return out;
}

function recordItem(raw: unknown): RecordItem | undefined {
  if (!isRecord(raw)) return undefined;
  const seq = count(raw.seq);
  if (seq === undefined) return undefined;
  if (raw.t === 'request') {
    const environ = environRecord(raw.environ);
    if (environ === undefined) return undefined;
    const at = raw.at;
    return typeof at === 'number' && Number.isFinite(at) ? { t: 'request', seq, environ, at } : { t: 'request', seq, environ };
  }
  if (raw.t === 'app-error') {
    const error = appError(raw.error);
    return error === undefined ? undefined : { t: 'app-error', seq, error };
  }
  if (raw.t === 'output') {
    const printed = text(raw.text);
    const stream = raw.stream === 'stdout' || raw.stream === 'stderr' || raw.stream === 'wsgi.errors' ? raw.stream : undefined;
    return printed === undefined || stream === undefined ? undefined : { t: 'output', seq, stream, text: printed };
  }
  return undefined;
}

/** Parse a message from the child; undefined for junk or a wrong nonce. */
export function parseChildMessage(raw: unknown, nonce: string): ChildMessage | undefined {
  if (!isRecord(raw) || raw.nonce !== nonce) return undefined;
  switch (raw.t) {
    case 'loading':
    case 'ready':
      return { t: raw.t };
    case 'load-error':
    case 'fatal': {
      const message = text(raw.message);
      return message === undefined ? undefined : { t: raw.t, message };
    }
    case 'records': {
      if (!Array.isArray(raw.items)) return undefined;
      const items: RecordItem[] = [];
      for (const item of raw.items.slice(0, MAX_BATCH_ITEMS)) {
        const parsed = recordItem(item);
        if (parsed !== undefined) items.push(parsed);
      }
      return { t: 'records', items };
    }
    case 'exit-called': {
      const code = text(raw.code);
      return code === undefined ? undefined : { t: 'exit-called', code };
    }
    case 'reply': {
      const id = count(raw.id);
      if (id === undefined) return undefined;
      const error = text(raw.error);
      return error === undefined ? { t: 'reply', id } : { t: 'reply', id, error };
    }
    default:
      return undefined;
  }
}

/** Parse a message from the parent (the child trusts its parent, but not blindly). */
export function parseParentMessage(raw: unknown): ParentMessage | undefined {
  if (!isRecord(raw)) return undefined;
  const id = count(raw.id);
  if (id === undefined) return undefined;
  if (raw.t === 'fresh' || raw.t === 'sync' || raw.t === 'stop') return { t: raw.t, id };
  return undefined;
}
