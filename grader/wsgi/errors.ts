/**
 * wsgi.errors: a text stream that ends up in the server's log.
 *
 * PEP 3333 "Input and Error Streams": write(str), writelines(seq), flush().
 * Like a buffered text file, text is held until a newline arrives or the
 * stream is flushed, so one log line is one line an application wrote —
 * never a fragment interleaved with the server's own lines.
 */
import type { ErrorStream } from './types.ts';

/**
 * Create wsgi.errors writing whole lines to `log` (PEP 3333 "Input and Error
 * Streams"). write() takes text only (the PEP: "a text mode file"); each
 * complete line is passed to `log` without its "\n"; flush() passes on what
 * is left of an unfinished line. The server flushes it when the request ends.
 */
export function createErrorStream(log: (line: string) => void): ErrorStream {
  const state: LineBuffer = { pending: '' };
  // Object-literal methods: no named closures per request (see handler.ts).
  return {
    write(text: string): void {
      writeText(state, log, text);
    },
    writelines(lines: Iterable<string>): void {
      // As Python's writelines: no separators are added.
      for (const line of lines) writeText(state, log, line);
    },
    flush(): void {
      if (state.pending === '') return;
      const rest = state.pending;
      state.pending = '';
      log(rest);
    },
  };
}

/** Text written but not yet logged: the unfinished line. */
interface LineBuffer {
  pending: string;
}

/** wsgi.errors.write(): keep the text, log each complete line. */
function writeText(state: LineBuffer, log: (line: string) => void, text: string): void {
  if (typeof text !== 'string') {
    throw new TypeError(`wsgi.errors.write() takes a string, got ${text === null ? 'null' : typeof text}`);
  }
  state.pending += text;
  let newline = state.pending.indexOf('\n');
  while (newline !== -1) {
    log(state.pending.slice(0, newline));
    state.pending = state.pending.slice(newline + 1);
    newline = state.pending.indexOf('\n');
  }
}
