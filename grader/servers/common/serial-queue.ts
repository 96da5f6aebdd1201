/**
 * Run tasks one at a time, in the order they were queued.
 *
 * Both servers call the application from one thread, one request at a time
 * (so wsgi.multithread is false): requests from several connections wait in
 * one queue, in arrival order.
 *
 * A task queued while the queue is idle runs at once, and one that finishes
 * without waiting (returns a plain value) hands back that value: most
 * requests then cost no promise at all. A task queued while another is under
 * way waits for its turn and gets a promise.
 */
import { isThenable } from '../../wsgi/app-result.ts';
import type { MaybePromise } from '../../wsgi/steps.ts';

export type SerialQueue = <T>(task: () => MaybePromise<T>) => MaybePromise<T>;

/** A queue whose tasks never overlap: each starts when the one before has settled, failed or not. */
export function createSerialQueue(): SerialQueue {
  let busy = false;
  /** Tasks waiting for their turn; each returns a thenable when it did not finish at once. */
  const waiting: Array<() => PromiseLike<unknown> | undefined> = [];

  /** Start waiting tasks in order until one has to wait (a loop, not recursion: the queue may be long). */
  const next = (): void => {
    for (;;) {
      const start = waiting.shift();
      if (start === undefined) {
        busy = false;
        return;
      }
      const pending = start();
      if (pending !== undefined) {
        pending.then(next, next);
        return;
      }
    }
  };

  return <T>(task: () => MaybePromise<T>): MaybePromise<T> => {
    if (busy) {
      return new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          let result: MaybePromise<T>;
          try {
            result = task();
          } catch (error) {
            reject(error);
            return undefined;
          }
          if (!isThenable(result)) {
            resolve(result);
            return undefined;
          }
          return Promise.resolve(result).then(resolve, reject);
        });
      });
    }
    busy = true;
    let result: MaybePromise<T>;
    try {
      result = task();
    } catch (error) {
      next();
      throw error;
    }
    if (!isThenable(result)) {
      next();
      return result;
    }
    const settled = Promise.resolve(result);
    settled.then(next, next);
    return settled;
  };
}
