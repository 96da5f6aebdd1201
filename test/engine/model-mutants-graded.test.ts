/**
 * The model mutants graded by the whole engine (core tier, both servers),
 * the way a class is graded: the model test catches every one, with a
 * transcript (and curl lines) that is exactly the minimal sequence, while
 * the example tests miss the two bugs only a sequence shows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { ServerOutcome, SubmissionResult } from '../../grader/results/types.ts';
import { DEFAULT_TEST_SERVERS } from '../../grader/servers/names.ts';
import { MODEL_MUTANTS } from '../fixtures/submissions/model-mutants.ts';
import { materialize, MODEL_TEST_ID } from '../fixtures/submissions/mutants.ts';

const SUITES = ['grader/suite/tests/core.suite.ts', 'grader/suite/tests/core.validation.suite.ts', 'grader/suite/tests/model.suite.ts'];

let dir: string;
const results = new Map<string, SubmissionResult>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'todo-wsgi-model-engine-'));
  // One folder per mutant in a class folder, graded in one run.
  for (const mutant of MODEL_MUTANTS) await materialize(mutant, join(dir, 'class', mutant.name));
  const run = await grade([join(dir, 'class')], { suiteFiles: SUITES, tiers: ['core'] });
  for (const submission of run.submissions) results.set(submission.name, submission);
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function failingIds(result: SubmissionResult): string[] {
  return result.tests.filter((test) => Object.values(test.outcomes).some((outcome) => outcome.status === 'failed')).map((test) => test.id).sort();
}

describe.each(MODEL_MUTANTS)('graded mutant $name', (mutant) => {
  it('fails the model test, and exactly the example tests listed (none for a sequence-only bug)', () => {
    const result = results.get(mutant.name);
    expect(result?.status).toBe('graded');
    expect(failingIds(result!)).toEqual([MODEL_TEST_ID, ...mutant.caughtByExamples].sort());
  });

  it.each(DEFAULT_TEST_SERVERS)('on %s, the model test reports the minimal sequence: transcript, curl lines, message', (server) => {
    const test = results.get(mutant.name)!.tests.find((t) => t.id === MODEL_TEST_ID)!;
    const outcome: ServerOutcome = test.outcomes[server]!;
    expect(outcome.status).toBe('failed');
    expect(test.seed).toEqual(expect.any(Number));
    expect(outcome.transcript.length).toBeGreaterThan(0);
    expect(outcome.transcript.length).toBeLessThanOrEqual(mutant.maxRequests);
    expect(outcome.curl).toHaveLength(outcome.transcript.length);
    // The test's own message is kept, with the run seed that reproduces it, even when a violation explains it.
    expect(outcome.failure?.message).toMatch(new RegExp(`^after ${outcome.transcript.length} requests?, .* — reproduce with: npm run grade -- --seed 1\\b`));
    if (outcome.failure?.violation !== undefined) {
      // A broken contract (a Content-Length counted in characters) is attached, with the validator's own words.
      expect(outcome.failure.violation.code).toBe('content-length-exceeded');
      expect(outcome.failure.message).toContain(' — the app broke the WSGI contract: ');
    } else {
      expect(mutant.rules.some((rule) => outcome.failure?.why?.includes(rule))).toBe(true);
    }
  });
});
