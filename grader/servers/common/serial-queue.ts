/**
 * Run tasks one at a time, in the order they were queued.
 *
 * Both servers call the application from one thread, one request at a time
 * (so wsgi.multithread is false): requests from several connections wait in
 * one queue, in arrival order.
 */

export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

/** A queue whose tasks never overlap: each starts when the one before has settled, failed or not. */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}
