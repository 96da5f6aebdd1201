/**
 * One line per request in the Common Log Format, as Apache and wsgiref's
 * request handler log them:
 *   127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.1" 200 2326
 */

export interface AccessRecord {
  /** The client's address; "-" when unknown. */
  remoteAddress?: string;
  /** When the request arrived, in ms since the epoch (Date.now(): no Date object per request). */
  time: number;
  /** The request line as received: method, target, version. */
  method: string;
  target: string;
  version: string;
  /** The status sent; 0 when none was (the client left first). */
  status: number;
  /** Body bytes sent. */
  bytes: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** The last second formatted and its text: a busy server logs many requests in the same second. */
let cachedSecond = NaN;
let cachedText = '';

/** "10/Oct/2000:13:55:36 +0000": the Common Log Format's time, in UTC so logs compare across machines. */
export function clfTime(time: number): string {
  const second = Math.floor(time / 1000);
  if (second !== cachedSecond) {
    cachedText = formatClfTime(new Date(time));
    cachedSecond = second;
  }
  return cachedText;
}

function formatClfTime(date: Date): string {
  const day = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  return `${day}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * Escape what a client could use to forge log lines: control characters,
 * quotes and backslashes become \xNN, as Apache's mod_log_config does.
 */
function escapeLogText(text: string): string {
  return text.replace(UNSAFE_ALL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Most request lines have nothing to escape: a loop over char codes tells, cheaper than a regular expression's call on text this short. */
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x22 || code === 0x5c) return true;
  }
  return false;
}

const UNSAFE_ALL = /[\x00-\x1f\x7f"\\]/g;

/** Format one request as a Common Log Format line (host ident authuser [time] "request" status bytes). */
export function formatAccessLine(record: AccessRecord): string {
  const { method, target, version } = record;
  // Each part scanned as it is: a joined request line would be flattened first.
  const request = needsEscape(method) || needsEscape(target) || needsEscape(version)
    ? escapeLogText(`${method} ${target} ${version}`)
    : `${method} ${target} ${version}`;
  const status = record.status > 0 ? String(record.status) : '-';
  const bytes = record.bytes > 0 ? String(record.bytes) : '-';
  return `${record.remoteAddress ?? '-'} - - [${clfTime(record.time)}] "${request}" ${status} ${bytes}`;
}
