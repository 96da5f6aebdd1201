/**
 * curl commands that replay a test's requests against `npm run serve`, so a
 * student can reproduce a failure by copy-pasting one line into a shell:
 * a POSIX shell's quoting, or on Windows CMD's (as the lecture writes it:
 * -d "{\"title\": \"Buy milk\"}"), where single quotes mean nothing.
 */

/** Which shell the commands are written for. */
export type Shell = 'posix' | 'cmd';

/** The shell of the machine the grader runs on: students paste the report's lines there. */
export const HOST_SHELL: Shell = process.platform === 'win32' ? 'cmd' : 'posix';

/** Where `npm run serve` listens by default (127.0.0.1, port 8000: its printed URL). */
export const SERVE_URL = 'http://127.0.0.1:8000';

/** Bodies longer than this are not spelled out in the command. */
const MAX_INLINE_BODY = 4096;

const SAFE = /^[A-Za-z0-9_/.:=@%+,-]+$/;
// Printable text (any script) without control characters: fine inside '...'.
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/u;

/** Quote one word for a POSIX shell (bash's $'...' only for control characters). */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  if (PRINTABLE.test(word)) return `'${word.replaceAll("'", `'\\''`)}'`;
  let out = "$'";
  for (const ch of word) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

const CMD_SAFE = /^[A-Za-z0-9_/.:=@+,-]+$/;
const CMD_SPECIAL = /[&|<>^]/;

/**
 * Quote one word for CMD and curl.exe's argument parser: in double quotes, a
 * quote as \" (backslashes before it doubled). CMD itself toggles its quoted
 * state at every quote it sees, \" included, so &|<>^ that fall outside by
 * that count are escaped with ^. Undefined for what one CMD line can't hold
 * (control characters, newlines among them).
 */
export function cmdQuote(word: string): string | undefined {
  if (word !== '' && CMD_SAFE.test(word)) return word;
  if (!PRINTABLE.test(word)) return undefined;
  let out = '"';
  let quoted = true;
  let backslashes = 0;
  for (const ch of word) {
    if (ch === '\\') {
      backslashes += 1;
      out += ch;
      continue;
    }
    if (ch === '"') {
      out += `${'\\'.repeat(backslashes)}\\"`;
      quoted = !quoted;
    } else {
      out += !quoted && CMD_SPECIAL.test(ch) ? `^${ch}` : ch;
    }
    backslashes = 0;
  }
  // Backslashes before the closing quote are doubled, or they would escape it.
  return `${out}${'\\'.repeat(backslashes)}"`;
}

export interface CurlRequest {
  method: string;
  target: string;
  /** Headers as written to the socket, in order (Host included or not: curl sends the URL's). */
  headers: ReadonlyArray<readonly [string, string]>;
  /** The body's content (not its chunked framing). */
  body?: Uint8Array;
}

/** Above this many body bytes curl 7 asks for `Expect: 100-continue` (RFC 9110 §10.1.1), which the grader never sends. */
const CURL_EXPECT_THRESHOLD = 1024;

/** What curl must be told to send the same header fields and body as `request`. */
interface Replay {
  /** The method switch: none, -I, or -X with the method. */
  method: string[];
  /** The -H arguments: "Name: value", or "Name:" to remove a header curl adds by itself. */
  headers: string[];
  /** The body for --data-binary. */
  body: Uint8Array | undefined;
}

function replayOf(request: CurlRequest): Replay {
  const has = (name: string): boolean => request.headers.some(([key]) => key.toLowerCase() === name);
  const chunked = request.headers.some(([key, value]) => key.toLowerCase() === 'transfer-encoding' && /chunked/i.test(value));
  const body = request.body !== undefined && (request.body.length > 0 || chunked) ? request.body : undefined;
  const headers: string[] = [];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    // curl sends Host from the URL, and keeps HTTP/1.1 connections alive without saying so.
    if (lower === 'host' || (lower === 'connection' && value.toLowerCase() === 'keep-alive')) continue;
    // curl counts --data-binary's bytes itself; any other Content-Length (0 with no body) is spelled out.
    if (lower === 'content-length' && body !== undefined && !chunked && value === String(body.length)) continue;
    headers.push(`${name}: ${value}`);
  }
  if (body !== undefined) {
    // With a body and no Content-Type, curl would add application/x-www-form-urlencoded.
    if (!has('content-type')) headers.push('Content-Type:');
    if (body.length > CURL_EXPECT_THRESHOLD && !has('expect')) headers.push('Expect:');
  }
  const upper = request.method.toUpperCase();
  const method = upper === 'HEAD' ? ['-I'] : upper !== 'GET' || body !== undefined ? ['-X', request.method] : [];
  return { method, headers, body };
}

/**
 * One shell line replaying `request` against `baseUrl` (default: the `npm
 * run serve` URL), for a POSIX shell or for CMD (default: this machine's):
 * the same header fields and body, but for what curl adds that no test is
 * about (User-Agent, Accept).
 */
export function curlCommand(request: CurlRequest, baseUrl: string = SERVE_URL, shell: Shell = HOST_SHELL): string {
  const replay = replayOf(request);
  if (shell === 'cmd') {
    const line = cmdCommand(request, replay, baseUrl);
    if (line !== undefined) return line;
  }
  const words: string[] = ['curl', '-i'];
  const [flag, method] = replay.method;
  if (flag !== undefined) words.push(flag);
  if (method !== undefined) words.push(shellQuote(method));
  // curl treats [] and {} in URLs as globs.
  if (/[[\]{}]/.test(request.target)) words.push('-g');
  words.push(shellQuote(baseUrl + request.target));
  for (const header of replay.headers) words.push('-H', shellQuote(header));
  if (replay.body === undefined) return words.join(' ');
  return withBody(words, replay.body);
}

/**
 * The CMD line, or undefined when a part can't be written on one CMD line
 * (control characters, bytes that aren't UTF-8): then the POSIX line, for
 * Git Bash or WSL, is the better offer.
 */
function cmdCommand(request: CurlRequest, replay: Replay, baseUrl: string): string | undefined {
  // Each entry: a fixed word, or [text] to be quoted.
  const parts: Array<string | [string]> = ['curl', '-i'];
  const [flag, method] = replay.method;
  if (flag !== undefined) parts.push(flag);
  if (method !== undefined) parts.push([method]);
  if (/[[\]{}]/.test(request.target)) parts.push('-g');
  parts.push([baseUrl + request.target]);
  for (const header of replay.headers) parts.push('-H', [header]);
  let note = '';
  const body = replay.body;
  if (body !== undefined) {
    const text = body.length <= MAX_INLINE_BODY ? decodeStrict(body) : undefined;
    if (text !== undefined) parts.push('--data-binary', [text]);
    else {
      // Too long or not text: CMD has no way to make it, so it comes from a file.
      parts.push('--data-binary', '@body.bin');
      note = ` & rem body.bin: the ${body.length}-byte body of this request`;
    }
  }
  const words: string[] = [];
  for (const part of parts) {
    const word = typeof part === 'string' ? part : cmdQuote(part[0]);
    if (word === undefined) return undefined;
    words.push(word);
  }
  return words.join(' ') + note;
}

function withBody(words: string[], body: Uint8Array): string {
  if (body.length <= MAX_INLINE_BODY) {
    const text = decodeStrict(body);
    if (text !== undefined) return [...words, '--data-binary', shellQuote(text)].join(' ');
    return [...words, '--data-binary', binaryWord(body)].join(' ');
  }
  // A long body made of one repeated byte (the size-limit tests): generate it.
  const first = body[0] ?? 0;
  if (first >= 0x21 && first < 0x7f && body.every((b) => b === first)) {
    const ch = shellQuote(String.fromCharCode(first));
    return `head -c ${body.length} /dev/zero | tr '\\0' ${ch} | ${[...words, '--data-binary', '@-'].join(' ')}`;
  }
  return `${[...words, '--data-binary', '@body.bin'].join(' ')}  # body.bin: the ${body.length}-byte body of this request`;
}

function binaryWord(body: Uint8Array): string {
  let out = "$'";
  for (const byte of body) {
    if (byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
