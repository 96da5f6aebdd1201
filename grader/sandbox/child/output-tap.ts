/**
 * Sees what the app prints on stdout and stderr (console.log, console.error,
 * process.stdout.write) without changing where it goes: each write still
 * reaches the pipe the parent captures; a copy of its text goes to `seen`.
 * Installed before student code runs. The host's own lines (server errors,
 * request lines) are written with the untapped writers it returns, so they
 * never count as the app's output.
 */
import type { AppOutputStream } from '../types.ts';

type Write = NodeJS.WriteStream['write'];

export interface RawWriters {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function textOf(chunk: unknown, encoding: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return '';
}

function tap(stream: NodeJS.WriteStream, name: AppOutputStream, seen: (stream: AppOutputStream, text: string) => void): (text: string) => void {
  const original = stream.write.bind(stream) as Write;
  stream.write = function tappedWrite(this: NodeJS.WriteStream, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    try {
      seen(name, textOf(chunk, encoding));
    } catch {
      // Seeing the output must never break the app's write.
    }
    return (original as (...args: unknown[]) => boolean)(chunk, encoding, callback);
  } as Write;
  return (text) => {
    original(text);
  };
}

export function tapOutput(seen: (stream: AppOutputStream, text: string) => void): RawWriters {
  return { stdout: tap(process.stdout, 'stdout', seen), stderr: tap(process.stderr, 'stderr', seen) };
}
