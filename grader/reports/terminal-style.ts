/**
 * Text layout for the terminal report: colours that vanish entirely when off,
 * column widths that count what a terminal shows (wide CJK and emoji take
 * two cells), wrapping, and neutralising control characters from student
 * data so a body can never move the cursor or colour the report.
 */

export interface Style {
  readonly color: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr = (open: number, close: number) => (s: string): string => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string): string => s;

export function makeStyle(color: boolean): Style {
  if (!color) return { color, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { color, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/**
 * Control characters (C0 but tab and newline, DEL, C1, and the bidi overrides)
 * shown as \u escapes: student text printed raw could hide or fake lines.
 */
export function safe(text: string): string {
  return text
    .replace(/\t/g, '  ')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Student text on one line: newlines shown as ⏎. */
export function oneLine(text: string): string {
  return safe(text.replace(/\r?\n/g, '⏎'));
}

const ANSI = /\u001b\[[0-9;]*m/g;

function charWidth(cp: number): number {
  if (cp === 0x200d || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)) return 2;
  return 1;
}

/** Terminal cells the text takes, escape codes excluded. */
export function width(text: string): number {
  let n = 0;
  for (const ch of text.replace(ANSI, '')) n += charWidth(ch.codePointAt(0) ?? 0);
  return n;
}

/** Cut to `max` cells with an ellipsis; only for text without escape codes. */
export function truncate(text: string, max: number): string {
  if (width(text) <= max) return text;
  let out = '';
  let n = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (n + w > max - 1) break;
    out += ch;
    n += w;
  }
  return `${out}…`;
}

export function pad(text: string, cells: number): string {
  return text + ' '.repeat(Math.max(0, cells - width(text)));
}

export function padStart(text: string, cells: number): string {
  return ' '.repeat(Math.max(0, cells - width(text))) + text;
}

/** Wraps plain text to `max` cells, at spaces where it can, mid-word where it must. */
export function wrap(text: string, max: number): string[] {
  const limit = Math.max(8, max);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/(?<= )/)) {
      if (width(line + word.trimEnd()) <= limit) {
        line += word;
        continue;
      }
      if (line.trim() !== '') out.push(line.trimEnd());
      line = '';
      let rest = word;
      while (width(rest.trimEnd()) > limit) {
        const head = truncate(rest, limit + 1).slice(0, -1);
        out.push(head);
        rest = rest.slice(head.length);
      }
      line = rest;
    }
    out.push(line.trimEnd());
  }
  return out;
}

/** Splits a shell command into words, keeping quoted strings whole. */
function shellWords(command: string): string[] {
  return command.match(/(?:[^\s'"]+|'[^']*'|"(?:[^"\\]|\\.)*")+/g) ?? [command];
}

/**
 * A command broken over lines with " \" continuations, only between words,
 * so it still pastes into a shell as one command.
 */
export function shellLines(command: string, max: number): string[] {
  const words = shellWords(command);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && width(candidate) + 2 > max) {
      lines.push(`${line} \\`);
      line = `  ${word}`;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}
