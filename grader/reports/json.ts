/**
 * The whole GradeRun as pretty JSON, for tools and archives. The engine
 * already caps bodies and output; this enforces a cap on the file as a whole
 * too, by cutting long strings harder and harder (never dropping an entry),
 * so one runaway submission cannot make a class's file unreadable.
 */
import type { GradeRun } from '../results/types.ts';
import { byteLength, capStrings } from './cap.ts';

export interface JsonOptions {
  /** Cap on the whole document, in bytes. Default 16 MiB. */
  maxBytes?: number;
  /** Cap on any one string before the total is considered. Default 64 KiB. */
  maxStringBytes?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_STRING = 64 * 1024;
/** Below this a string stops being useful; the document stays over the cap rather than lose meaning. */
const MIN_STRING = 64;

export function renderJson(run: GradeRun, options: JsonOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let stringCap = options.maxStringBytes ?? DEFAULT_MAX_STRING;
  let text = JSON.stringify(capStrings(run, stringCap), null, 2);
  while (byteLength(text) > maxBytes && stringCap > MIN_STRING) {
    stringCap = Math.max(MIN_STRING, Math.floor(stringCap / 4));
    text = JSON.stringify(capStrings(run, stringCap), null, 2);
  }
  return `${text}\n`;
}
