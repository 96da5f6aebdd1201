/**
 * The model test's body: search for a sequence the app answers differently
 * from the model, then replay the minimal one alone on a fresh app, so the
 * transcript and the curl lines a student gets are exactly those requests.
 */
import type { Failure } from '../../results/types.ts';
import type { TestContext } from '../define.ts';
import type { Operation } from './operations.ts';
import { runSequence, type SequenceFailure } from './run-sequence.ts';
import { searchCounterexample, sendThrough, type SearchResult } from './search.ts';

export interface ModelTestOptions {
  maxCommands: number;
  shrinkRequests: number;
}

/** How a student runs the same random sequences again. */
export function reproduceWith(runSeed: number): string {
  return `reproduce with: npm run grade -- --seed ${runSeed}`;
}

/** The failure a student reads for a minimal failing sequence. */
export function describeFailure(failure: SequenceFailure, runSeed: number, reproduced: boolean): Failure {
  const requests = failure.step === 1 ? '1 request' : `${failure.step} requests`;
  // The run's --seed, not the test's derived seed: only the former, given to --seed, replays the same sequences.
  const replay = reproduced ? '' : '; replayed alone, the sequence passed: does the app keep state outside its module?';
  return {
    message: `after ${requests}, ${failure.request.label} ${failure.mismatch.how} — ${reproduceWith(runSeed)}${replay}`,
    expected: failure.mismatch.expected,
    actual: failure.mismatch.actual,
    why: failure.mismatch.rule.why,
    hint: failure.mismatch.rule.hint,
  };
}

/** Play `ops` once more on a fresh app after forgetting the transcript so far. */
export async function replay(t: Pick<TestContext, 'request' | 'freshApp' | 'clearTranscript'>, ops: readonly Operation[]): Promise<SequenceFailure | undefined> {
  t.clearTranscript();
  await t.freshApp();
  return runSequence(ops, sendThrough(t));
}

/** Run the property with the context's seed and run count; fail the test with the minimal sequence. */
export async function checkAgainstModel(t: TestContext, options: ModelTestOptions): Promise<SearchResult> {
  const result = await searchCounterexample(t, { seed: t.seed, runs: t.runs, ...options });
  if (result.kind === 'passed') return result;
  // A hang, a crash or the end of the submission's time: the context's own failure says it best.
  if (result.kind === 'stopped') throw result.error;
  const replayed = await replay(t, result.ops);
  t.fail(describeFailure(replayed ?? result.failure, t.runSeed, replayed !== undefined));
}
