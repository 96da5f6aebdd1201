/**
 * Captures a child's stdout or stderr as text: the first `limit` bytes are
 * kept (then a marker), plus a short tail for diagnosis (e.g. V8's "heap out
 * of memory" arrives last). What is captured is shown, never parsed for results.
 */
import { StringDecoder } from 'node:string_decoder';

const TAIL_BYTES = 8 * 1024;

export function truncationMarker(limit: number): string {
  const size = limit % 1024 === 0 ? `${limit / 1024} KiB` : `${limit} bytes`;
  return `\n[… output truncated after ${size}]\n`;
}

export class OutputCapture {
  private readonly decoder = new StringDecoder('utf8');
  private kept = 0;
  private text = '';
  private tailText = '';
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.tailText = (this.tailText + chunk.toString('latin1')).slice(-TAIL_BYTES);
    if (this.truncated) return;
    const room = this.limit - this.kept;
    if (chunk.length <= room) {
      this.kept += chunk.length;
      this.text += this.decoder.write(chunk);
      return;
    }
    this.kept = this.limit;
    this.text += this.decoder.write(chunk.subarray(0, room)) + this.decoder.end() + truncationMarker(this.limit);
    this.truncated = true;
  }

  /** The kept text (a partial UTF-8 sequence at the end is held back until complete). */
  get value(): string {
    return this.text;
  }

  /** The last few KiB seen, truncated or not (latin1: byte-exact, for pattern checks only). */
  get tail(): string {
    return this.tailText;
  }
}
