/**
 * A request's time limit. When it is up, the grader may ask whether the
 * delay is the app's: a synchronous app still computing (or stuck) keeps its
 * process from answering anything, while a process that answers at once is
 * only waiting for a busy machine. Then the request waits another limit, up
 * to MAX_WAIT_FACTOR in all — one slow answer on a loaded machine must not
 * cost a student a test.
 */

/** True when the delay is not the app's, so the request may wait another limit. */
export type MayWaitLonger = () => Promise<boolean>;

/** How long the app's process has to answer the grader when a request is late (generous: the machine may be busy). */
export const RESPONSIVE_PROBE_MS = 1_000;

/** A request waits at most this many times its limit, however often mayWaitLonger says yes. */
export const MAX_WAIT_FACTOR = 5;

/** "2 s", "300 ms". */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** What a request that got no answer says, for the time it was given. */
export function noAnswer(waitedMs: number): string {
  return `no answer within ${formatDuration(waitedMs)} — an infinite loop?`;
}

/**
 * Call `expire` with the time waited once the limit is up and waiting longer
 * is not allowed (or not asked); returns a function that cancels it.
 */
export function startDeadline(timeoutMs: number, expire: (waitedMs: number) => void, mayWaitLonger?: MayWaitLonger): () => void {
  let cancelled = false;
  let waited = 0;
  let timer: NodeJS.Timeout;
  const up = (): void => {
    waited += timeoutMs;
    if (mayWaitLonger === undefined || waited >= timeoutMs * MAX_WAIT_FACTOR) return expire(waited);
    void mayWaitLonger().then((longer) => {
      if (cancelled) return;
      if (longer) timer = setTimeout(up, timeoutMs);
      else expire(waited);
    });
  };
  timer = setTimeout(up, timeoutMs);
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
