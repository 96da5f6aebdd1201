/**
 * Backpressure: the next write waits until the stream drained its buffer, or
 * closed (the client left: nothing more will drain).
 */
import type { EventEmitter } from 'node:events';

export function drainedOrClosed(stream: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
