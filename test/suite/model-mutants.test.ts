/**
 * The model test catches each model mutant (test/fixtures/submissions/
 * model-mutants.ts) with a minimal sequence, names the rule, leaves exactly
 * that sequence in the transcript, and does so deterministically.
 *
 * Served without the validator, the answers show the bug itself (a body cut
 * short by a Content-Length counted in characters) and the model's own
 * words are checked; served with it, as the grader serves, the same bug is
 * a contract violation answered 500, which the engine reports with the
 * violation's rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../grader/engine/options.ts';
import { testSeed } from '../../grader/engine/worker/run-case.ts';
import type { Failure } from '../../grader/results/types.ts';
import { checkAgainstModel, replay } from '../../grader/suite/model/check.ts';
import { searchCounterexample, type SearchResult } from '../../grader/suite/model/search.ts';
import { isGradeFailure } from '../../grader/suite/runtime/grade-failure.ts';
import { MODEL_OPTIONS } from '../../grader/suite/tests/model.suite.ts';
import { isWsgiViolation } from '../../grader/wsgi/violation.ts';
import type { InProcessServerName } from '../../grader/servers/index.ts';
import { DEFAULT_TEST_SERVERS } from '../../grader/servers/names.ts';
import { MODEL_MUTANTS } from '../fixtures/submissions/model-mutants.ts';
import { bundleMutant, InProcessApp, modelSpec, workspace, type Bundle } from './model-harness.ts';

const SEED = testSeed(DEFAULTS.seed, modelSpec().id);
const RUNS = DEFAULTS.runs;

async function failureOf(run: Promise<unknown>): Promise<Failure> {
  try {
    await run;
  } catch (error) {
    if (isGradeFailure(error)) return error.failure;
    throw error;
  }
  throw new Error('the model test passed');
}

/** "after 3 requests, …" → 3. */
function requestsIn(message: string): number {
  const match = /^after (\d+) requests?, /.exec(message);
  if (match === null) throw new Error(`no request count in: ${message}`);
  return Number(match[1]);
}

let work: Awaited<ReturnType<typeof workspace>>;
beforeAll(async () => {
  work = await workspace();
});
afterAll(async () => {
  await work.cleanup();
});

describe.each(MODEL_MUTANTS)('model mutant $name', (mutant) => {
  let source: Bundle;
  beforeAll(async () => {
    source = await bundleMutant(mutant, work.dir);
  });

  describe.each(DEFAULT_TEST_SERVERS as readonly InProcessServerName[])('%s server', (server) => {
    let app: InProcessApp;
    beforeAll(async () => {
      app = await InProcessApp.start(source, server, { validate: false });
    });
    afterAll(async () => {
      await app.close();
    });

    it(`is caught with at most ${mutant.maxRequests} requests, naming the rule; the transcript is the minimal sequence`, async () => {
      const t = app.context(SEED, RUNS);
      const failure = await failureOf(checkAgainstModel(t, MODEL_OPTIONS));
      const requests = requestsIn(failure.message);
      expect(requests).toBeLessThanOrEqual(mutant.maxRequests);
      expect(failure.message).toContain(`— reproduce with: npm run grade -- --seed ${DEFAULTS.seed}`);
      expect(failure.message).not.toContain(String(SEED));
      expect(mutant.rules.some((rule) => failure.why?.includes(rule)), `${failure.why} names none of ${mutant.rules.join(' | ')}`).toBe(true);
      expect(failure.hint).toBeTruthy();
      expect(failure.expected).toBeTruthy();
      expect(failure.actual).toBeTruthy();
      // The engine prints the transcript and one curl line per exchange for a failing test.
      expect(t.transcript.exchanges()).toHaveLength(requests);
      expect(t.transcript.curl()).toHaveLength(requests);
    }, 60_000);

    it('gives the same verdict and minimal sequence for the same seed, and replaying it fails the same way', async () => {
      const search = (): Promise<SearchResult> => searchCounterexample(app.context(SEED, RUNS), { seed: SEED, runs: RUNS, ...MODEL_OPTIONS });
      const first = await search();
      const second = await search();
      expect(first.kind).toBe('failed');
      expect(second).toEqual(first);
      if (first.kind !== 'failed') return;
      expect(await replay(app.context(SEED, RUNS), first.ops)).toEqual(first.failure);
    }, 60_000);
  });

  it('is caught as graded too (validator on), with a minimal sequence', async () => {
    const app = await InProcessApp.start(source, 'socket');
    try {
      const t = app.context(SEED, RUNS);
      const failure = await failureOf(checkAgainstModel(t, MODEL_OPTIONS));
      expect(requestsIn(failure.message)).toBeLessThanOrEqual(mutant.maxRequests);
      if (mutant.rules.includes('Bytes, not characters')) {
        // The engine explains this failure with the violation the validator recorded.
        expect(app.appErrors.some((error) => isWsgiViolation(error) && error.code === 'content-length-exceeded')).toBe(true);
      }
    } finally {
      await app.close();
    }
  }, 60_000);
});
