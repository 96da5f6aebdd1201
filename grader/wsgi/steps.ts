/**
 * Run a generator of steps synchronously for as long as it yields plain
 * values, and only switch to awaiting when it yields a thenable.
 *
 * The handler's sequence waits on the transport (backpressure, PEP 3333
 * "Buffering and Streaming"), but most responses never need to wait: a
 * one-item list to a socket with room. Written as `yield promise` instead
 * of `await promise`, such a response is served without one promise or
 * microtask; one that must wait resumes exactly where it was.
 */
import { isThenable } from './app-result.ts';

/** What a step sequence returns: at once when it never had to wait. */
export type MaybePromise<T> = T | Promise<T>;

/** Drive `steps` to its end; `yield x` gives back x, awaited when it is a thenable. */
export function runSteps<T>(steps: Generator<unknown, T, unknown>): MaybePromise<T> {
  let step = steps.next();
  while (!step.done) {
    if (isThenable(step.value)) return resume(steps, step.value);
    step = steps.next(step.value);
  }
  return step.value;
}

/** The rest of the sequence, once something had to be awaited. A rejection is thrown into the generator. */
async function resume<T>(steps: Generator<unknown, T, unknown>, first: PromiseLike<unknown>): Promise<T> {
  let pending: unknown = first;
  for (;;) {
    let step: IteratorResult<unknown, T>;
    let settled: unknown;
    let failed = false;
    try {
      settled = await pending;
    } catch (error) {
      failed = true;
      settled = error;
    }
    step = failed ? steps.throw(settled) : steps.next(settled);
    while (!step.done && !isThenable(step.value)) step = steps.next(step.value);
    if (step.done) return step.value;
    pending = step.value;
  }
}
