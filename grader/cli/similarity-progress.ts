/**
 * Progress of a similarity run on stderr: reading and tokenising the
 * submissions, then scoring the pairs. A bar redrawn in place on a terminal;
 * when piped, one line per stage.
 */
export interface StageProgress {
  update(stage: 'tokens' | 'pairs', done: number, total: number): void;
  finish(): void;
}

const LABELS = { tokens: 'reading', pairs: 'pairs' } as const;

export function createStageProgress(stream: NodeJS.WritableStream, tty: boolean): StageProgress {
  const started = performance.now();
  let drawn = false;
  let lastDraw = 0;
  let lastStage: string | undefined;
  return {
    update(stage, done, total) {
      if (!tty) {
        if (stage !== lastStage) stream.write(`${LABELS[stage]}: ${total} ${stage === 'tokens' ? 'submissions' : 'pairs sharing code'}\n`);
        lastStage = stage;
        return;
      }
      const now = performance.now();
      if (done !== total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const seconds = ((now - started) / 1000).toFixed(1);
      stream.write(`\r\x1b[2K${LABELS[stage].padEnd(8)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  ${seconds} s`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
