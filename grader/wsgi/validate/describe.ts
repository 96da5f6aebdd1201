/**
 * Short, readable descriptions of values and characters for violation
 * messages (the role Python's repr() plays in wsgiref.validate).
 */
import { inspect } from 'node:util';

const MAX = 80;

/** A one-line description of any value, e.g. `"200"` (a string), `200` (a number), `Uint8Array(3)`. */
export function show(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  let text: string;
  try {
    text = inspect(value, { depth: 1, breakLength: Infinity, maxArrayLength: 4, maxStringLength: 60, compact: true });
  } catch {
    text = Object.prototype.toString.call(value);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

/** "a string", "a number", "null", "an array", "an object" ... for "got X" phrases. */
export function kind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  const type = typeof value;
  return type === 'object' ? `an object (${show(value)})` : `a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}`;
}

/** A character as a readable escape, e.g. "\r" → `\r`, "\x07" → `\x07`. */
export function showChar(char: string): string {
  const named: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\0': '\\0' };
  if (named[char] !== undefined) return named[char];
  const code = char.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** The first control character (\x00–\x1f, \x7f) in `text`, if any. */
export function firstControlChar(text: string): string | undefined {
  return /[\x00-\x1f\x7f]/.exec(text)?.[0];
}

/** The first character outside ISO-8859-1 (above \u00ff) in `text`, if any. */
export function firstNonLatin1(text: string): string | undefined {
  return /[^\x00-\xff]/u.exec(text)?.[0];
}
