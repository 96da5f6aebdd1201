/**
 * One test on one server: borrow an app process of the server, reset the
 * app, run the test body, then read what happened — an assertion failure, a
 * hang (the process is killed so the next test starts clean), a crash.
 *
 * What the app recorded (environ, errors, contract violations) is fetched
 * when the process is done (see AppPool.settle); finishCase() then turns the
 * whole into results.
 */
import type { Failure, ServerName } from '../../results/types.ts';
import type { AppHandle, ExitInfo } from '../../sandbox/types.ts';
import { GradingContext } from '../../suite/runtime/context.ts';
import { isGradeFailure } from '../../suite/runtime/grade-failure.ts';
import type { CaseMeta, SubmissionConfig } from '../protocol.ts';
import type { AppPool, LiveApp } from './app-pool.ts';
import { explainWithAppErrors } from './app-errors.ts';
import type { CollectedTest } from './suites.ts';
import { errorMessage } from '../../common/error-message.ts';

/** How long a process that lost a connection gets to show it is exiting. */
const EXIT_GRACE_MS = 1_000;
/** How long a process that left a request unanswered gets to answer the grader (IPC) before it counts as stuck. */
const STUCK_PROBE_MS = 250;

/** What a test needs of the submission it grades (submission.ts's SubmissionState). */
export interface CaseSubmission {
  readonly config: Pick<SubmissionConfig, 'seed' | 'runs' | 'requestTimeoutMs'>;
  /** Why no test can run (the app did not load, or its time is up); undefined when they can. */
  precheck(): Failure | undefined;
  /** The failure a test gets when its app process could not start. */
  startFailed(error: unknown): Failure;
  /** The app's process ended while a test ran. */
  crashed(reason: string): void;
  /** The grader itself failed while a test ran (not the submission's fault). */
  graderFailed(reason: string): void;
  /** Throws when the submission's time is up. */
  readonly checkDeadline: () => void;
}

/** A test that ran; its records may still be on their way. */
export interface RanCase {
  test: CollectedTest;
  server: ServerName;
  seed: number;
  /** The failure as the test saw it, before app errors explain it. */
  failure?: Failure;
  context?: GradingContext;
  durationMs: number;
  /** Set when the test was not run here, and why. */
  skipped?: string;
}

/** A test its spec skips on this machine (e.g. Node without node:sqlite): not run, no process started. */
export function skippedCase(test: CollectedTest, server: ServerName): RanCase {
  return { test, server, seed: 0, durationMs: 0, skipped: test.info.skip ?? 'skipped' };
}

/** A 32-bit seed per (run seed, test id): the same on both servers, independent of order. */
export function testSeed(runSeed: number, id: string): number {
  let hash = 0x811c9dc5 ^ (runSeed >>> 0);
  for (const ch of `${runSeed}:${id}`) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function whenExited(handle: AppHandle, withinMs: number): Promise<ExitInfo | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, withinMs, undefined);
  });
  return Promise.race([handle.exited, late]).finally(() => clearTimeout(timer));
}

function crashFailure(exit: ExitInfo): Failure {
  return {
    message: `the app process stopped: ${exit.reason}`,
    expected: 'the app to answer every request and keep running',
    actual: exit.reason,
    why: 'A WSGI application is called once per request by a long-running server; it must never end the process.',
    hint: 'Catch errors instead of exiting, never call process.exit(), and keep memory use bounded.',
  };
}

function unexpectedFailure(error: unknown): Failure {
  const message = errorMessage(error);
  return {
    message: `the grader failed: the test could not finish: ${message}`,
    why: 'The test itself threw, before it could check the app: a problem in the grader, not in the submitted code.',
  };
}

export async function runCase(submission: CaseSubmission, pool: AppPool | undefined, test: CollectedTest, server: ServerName): Promise<RanCase> {
  const seed = testSeed(submission.config.seed, test.spec.id);
  const ran = (failure: Failure | undefined, durationMs = 0, context?: GradingContext): RanCase => ({
    test, server, seed, durationMs, ...(failure === undefined ? {} : { failure }), ...(context === undefined ? {} : { context }),
  });

  const early = submission.precheck();
  if (early !== undefined || pool === undefined) return ran(early ?? { message: 'the app could not be loaded' });
  // An app that hangs or ends on every request gets no more: no process is started for a test it would fail anyway.
  const tripped = pool.ledger.tripped;
  if (tripped !== undefined) return ran({ message: tripped, why: test.spec.rule, hint: test.spec.hint });
  // No request has reached this server's app so far, however many were sent: the rest would not either.
  const unreachable = pool.reach.tripped;
  if (unreachable !== undefined) return ran(unreachable);

  let live: LiveApp;
  try {
    live = await pool.acquire();
  } catch (error) {
    return ran(submission.startFailed(error));
  }
  // The other server's process may have failed to start meanwhile.
  const sticky = submission.precheck();
  if (sticky !== undefined) {
    pool.release(live);
    return ran(sticky);
  }

  const started = performance.now();
  const context = new GradingContext({
    spec: test.spec,
    server,
    seed,
    runSeed: submission.config.seed,
    runs: submission.config.runs,
    app: live.handle,
    client: live.client,
    requestTimeoutMs: submission.config.requestTimeoutMs,
    checkDeadline: submission.checkDeadline,
    ledger: pool.ledger,
    // answeredBy() needs the records now: attach them early; the rest follow when the process is done.
    settle: async () => {
      if (!live.pending.includes(context)) live.pending.push(context);
      await pool.settle(live);
    },
    ...(live.restartWorker === undefined ? {} : { restartWorker: live.restartWorker }),
  });

  let failure: Failure | undefined;
  let reloaded = true;
  try {
    // A process that has just started holds a fresh app already.
    if (live.used) {
      reloaded = false;
      await live.handle.fresh();
      reloaded = true;
    }
    live.used = true;
    await test.body(context);
  } catch (error) {
    if (isGradeFailure(error)) failure = error.failure;
    else {
      failure = unexpectedFailure(error);
      submission.graderFailed(`${test.spec.id} on ${server}: ${failure.message}`);
    }
  }
  const durationMs = Math.round(performance.now() - started);

  if (!live.pending.includes(context)) live.pending.push(context);
  if (context.transportError?.kind === 'timeout' || !reloaded) {
    // Connected, or the app was being reset: not a failure to reach it.
    pool.reach.noteTest({ answered: answeredAny(context) });
    // Stuck in a loop, or its app would not reload: this process is of no more use. One that
    // cannot even answer the grader is stuck for good: the same requests will hang a new app too.
    if (context.hungSequence !== undefined && !(await live.handle.responsive(STUCK_PROBE_MS))) {
      pool.ledger.stuck(context.failedRoute ?? '', context.hungSequence, test.spec.id);
    }
    await pool.discard(live, true);
  } else if (!live.handle.alive || context.transportError !== undefined) {
    const exit = await whenExited(live.handle, EXIT_GRACE_MS);
    if (exit !== undefined) {
      submission.crashed(exit.reason);
      failure = crashFailure(exit);
      if (context.failedRoute !== undefined) pool.ledger.crashed(context.failedRoute, test.spec.id);
    } else {
      // Still alive after the connection failed: the app did not end it; maybe nothing reached the app at all.
      pool.reach.noteTest({ answered: answeredAny(context), ...(context.transportError?.kind === 'connection' ? { connectError: context.transportError.message } : {}) });
    }
    // A process that dropped a connection is not trusted with the next test.
    await pool.discard(live, true);
  } else {
    pool.reach.noteTest({ answered: answeredAny(context) });
    pool.release(live);
  }
  return ran(failure, durationMs, context);
}

/** Whether some request of the test got a response (the transcript keeps each exchange's first and last few). */
function answeredAny(context: GradingContext): boolean {
  return context.transcript.exchanges().some((exchange) => exchange.response !== undefined);
}

/** The result of a test, once every record that could arrive has. */
export function finishCase(ran: RanCase): CaseMeta {
  if (ran.skipped !== undefined) {
    return { spec: ran.test.info, outcome: { server: ran.server, status: 'skipped', skipReason: ran.skipped, transcript: [], curl: [], durationMs: 0 } };
  }
  const failure = explainWithAppErrors(ran.failure, ran.context?.appErrors ?? []);
  return {
    spec: ran.test.info,
    ...(ran.context?.seedUsed ? { seed: ran.seed } : {}),
    outcome: {
      server: ran.server,
      status: failure === undefined ? 'passed' : 'failed',
      ...(failure === undefined ? {} : { failure }),
      transcript: ran.context?.transcript.exchanges() ?? [],
      curl: ran.context?.transcript.curl() ?? [],
      durationMs: ran.durationMs,
      // Shown to the student under the failure; a passing test's output is noise.
      ...(failure !== undefined && ran.context !== undefined && ran.context.appOutput.length > 0
        ? { appOutput: [...ran.context.appOutput] }
        : {}),
    },
  };
}
