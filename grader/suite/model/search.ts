/**
 * The property behind the model test: for every request sequence, on a
 * fresh app, every answer is what the model expects. fast-check draws the
 * sequences from the seed; the first failing one is shrunk to a minimal one
 * by shrinkSequence().
 */
import fc from 'fast-check';
import type { TestContext } from '../define.ts';
import { sequenceArbitrary } from './arbitraries.ts';
import type { Operation } from './operations.ts';
import { runSequence, type Send, type SequenceFailure } from './run-sequence.ts';
import { shrinkSequence, type Attempt } from './shrink.ts';

/** What the search needs of a TestContext. */
export type Driver = Pick<TestContext, 'request' | 'freshApp' | 'clearTranscript'>;

export interface SearchOptions {
  seed: number;
  /** Random sequences tried before the property counts as holding. */
  runs: number;
  /** Longest sequence (a final GET /todos comes on top). */
  maxCommands: number;
  /**
   * Requests shrinking may send; past them it keeps the smallest failure
   * found so far. A count, not a time, so the same seed always gives the
   * same minimal sequence.
   */
  shrinkRequests: number;
}

export type SearchResult =
  | { kind: 'passed'; requests: number }
  | { kind: 'failed'; ops: Operation[]; failure: SequenceFailure; shrinks: number; requests: number }
  /** A request got no answer (a hang, a crash) or the submission's time ran out: not something to shrink. */
  | { kind: 'stopped'; error: unknown; requests: number };

/** Wraps what the context threw, to tell it apart from a mistake of the model's own code. */
class Stopped {
  constructor(readonly error: unknown) {}
}

/** Send a planned request through TestContext.request. */
export function sendThrough(driver: Pick<TestContext, 'request'>): Send {
  return (request) =>
    driver.request(request.method, request.target, {
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.chunked === true ? { chunked: true } : {}),
      ...(request.raw === true ? { raw: true } : {}),
    });
}

export async function searchCounterexample(driver: Driver, options: SearchOptions): Promise<SearchResult> {
  const direct = sendThrough(driver);
  let requests = 0;
  let stopped: Stopped | undefined;
  let first: { ops: Operation[]; failure: SequenceFailure } | undefined;

  const send: Send = async (request) => {
    requests += 1;
    try {
      return await direct(request);
    } catch (error) {
      throw new Stopped(error);
    }
  };

  /** One sequence on a fresh app. Each run's transcript replaces the last: a hang shows the run that hung. */
  const play = async (ops: readonly Operation[]): Promise<SequenceFailure | undefined> => {
    driver.clearTranscript();
    await driver.freshApp().catch((error: unknown) => {
      throw new Stopped(error);
    });
    return runSequence(ops, send);
  };

  const property = fc.asyncProperty(sequenceArbitrary(options.maxCommands), async (ops) => {
    try {
      const failure = await play(ops);
      if (failure !== undefined) first = { ops, failure };
      return failure === undefined;
    } catch (error) {
      // A stop is not a counterexample: end the search (endOnFailure) and report it as it is.
      if (error instanceof Stopped) stopped = error;
      throw error;
    }
  });

  // endOnFailure: the shrinking is shrinkSequence's (see shrink.ts for why).
  const details = await fc.check(property, { seed: options.seed, numRuns: options.runs, endOnFailure: true });
  if (stopped !== undefined) return { kind: 'stopped', error: stopped.error, requests };
  if (details.failed && first === undefined) throw details.errorInstance;
  if (first === undefined) return { kind: 'passed', requests };

  const budgetEnd = requests + options.shrinkRequests;
  const attempt: Attempt = async (ops) => (requests >= budgetEnd ? undefined : play(ops));
  try {
    const shrunk = await shrinkSequence(first.ops, first.failure, attempt);
    return { kind: 'failed', ops: shrunk.ops, failure: shrunk.failure, shrinks: shrunk.shrinks, requests };
  } catch (error) {
    if (error instanceof Stopped) return { kind: 'stopped', error: error.error, requests };
    throw error;
  }
}
