/**
 * The reference solution holds for the model on both servers, for many
 * seeds: the model asks nothing the statement does not, and the solution
 * does everything it does. In-process (see model-harness.ts), not through
 * the engine, so 200 seeds stay cheap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../grader/engine/options.ts';
import { testSeed } from '../../grader/engine/worker/run-case.ts';
import { checkAgainstModel } from '../../grader/suite/model/check.ts';
import { searchCounterexample } from '../../grader/suite/model/search.ts';
import { MODEL_OPTIONS } from '../../grader/suite/tests/model.suite.ts';
import type { InProcessServerName } from '../../grader/servers/index.ts';
import { DEFAULT_TEST_SERVERS } from '../../grader/servers/names.ts';
import { bundleSolution, InProcessApp, modelSpec } from './model-harness.ts';

const SEEDS = 200;
/** Runs per seed: 200 seeds × 3 runs is ~6,000 requests per server. */
const RUNS_PER_SEED = 3;

describe.each(DEFAULT_TEST_SERVERS as readonly InProcessServerName[])('the solution against the model, %s server', (server) => {
  let app: InProcessApp;
  beforeAll(async () => {
    app = await InProcessApp.start(await bundleSolution(), server);
  });
  afterAll(async () => {
    await app.close();
  });

  it(`passes for ${SEEDS} different seeds`, async () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = await searchCounterexample(app.context(seed, RUNS_PER_SEED), { seed, runs: RUNS_PER_SEED, ...MODEL_OPTIONS });
      if (result.kind === 'failed') failures.push(`seed ${seed}: ${result.failure.request.label} ${result.failure.mismatch.how}`);
      if (result.kind === 'stopped') failures.push(`seed ${seed}: stopped: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    // Not even a contract violation the answers did not show.
    expect(app.appErrors).toEqual([]);
  }, 240_000);

  it('passes the test itself with the engine’s default seed and runs; the transcript is the last run', async () => {
    const seed = testSeed(DEFAULTS.seed, modelSpec().id);
    const t = app.context(seed, DEFAULTS.runs);
    const result = await checkAgainstModel(t, MODEL_OPTIONS);
    expect(result.kind).toBe('passed');
    // Reading the seed marks a property test: the engine reports its seed.
    expect(t.seedUsed).toBe(true);
    const exchanges = t.transcript.exchanges();
    expect(exchanges.length).toBeGreaterThan(0);
    expect(exchanges.length).toBeLessThanOrEqual(MODEL_OPTIONS.maxCommands + 1);
    expect(exchanges.at(-1)?.request).toMatchObject({ method: 'GET', target: '/todos' });
  }, 60_000);
});
