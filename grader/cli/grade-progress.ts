/**
 * Progress of a class run on stderr: a bar redrawn in place on a terminal,
 * one plain line per submission when piped (CI logs stay readable).
 */
import type { ProgressEvent } from '../engine/options.ts';

export interface Progress {
  update(event: ProgressEvent): void;
  /** Clear the bar before the report is printed. */
  finish(): void;
}

function clock(ms: number): string {
  const total = Math.floor(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export function createProgress(stream: NodeJS.WriteStream, tty: boolean): Progress {
  const started = performance.now();
  let drawn = false;
  let lastDraw = 0;

  const bar = (done: number, total: number): string => {
    const elapsed = performance.now() - started;
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const rate = elapsed > 0 ? (done / elapsed) * 1000 : 0;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  ${rate.toFixed(1)}/s  ${clock(elapsed)}`;
  };

  return {
    update(event) {
      if (event.type === 'typecheck') {
        if (tty) {
          stream.write(`\r\x1b[2Ktype-checking ${event.done}/${event.total}`);
          drawn = true;
        } else if (event.done === 0) {
          stream.write(`type-checking ${event.total} submissions\n`);
        }
        return;
      }
      if (event.type === 'start') {
        if (tty) {
          stream.write(`\r\x1b[2K${bar(0, event.total)}`);
          drawn = true;
        }
        return;
      }
      const { done, total, result } = event;
      if (!tty) {
        const detail = result.status === 'graded' ? '' : ` (${result.status})`;
        stream.write(`${done}/${total} ${result.name}: ${result.score}/${result.maxScore}${detail}\n`);
        return;
      }
      const now = performance.now();
      // Redraw at most ~10 times a second, and always for the last one.
      if (done === total || now - lastDraw > 100) {
        stream.write(`\r\x1b[2K${bar(done, total)}`);
        lastDraw = now;
        drawn = true;
      }
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
