// A property test's failure tells the student the --seed that reproduces it, in every report.
import { describe, expect, it } from 'vitest';
import { failureFields, failurePlainText } from '../../grader/reports/explain.ts';
import { renderGradescope } from '../../grader/reports/gradescope.ts';
import { renderJunit } from '../../grader/reports/junit.ts';
import { renderTerminal } from '../../grader/reports/terminal.ts';
import type { GradeRun } from '../../grader/results/types.ts';
import { SAMPLE_SPECS, singleRun, submission, testResult } from './sample-run.ts';

const MODEL = SAMPLE_SPECS.find((s) => s.id === 'core.model.sequence')!;
/** The test's own (derived) seed, which --seed would not reproduce. */
const DERIVED = MODEL.seed!;
const RUN_SEED = 3;

function modelRun(): GradeRun {
  const failing = testResult(MODEL, { kind: 'status', status: 500, body: 'oops' });
  const run = singleRun(submission('model', [failing]));
  return { ...run, options: { ...run.options, seed: RUN_SEED } };
}

describe('the seed of a property test', () => {
  it('is shown as the run seed to pass to --seed, not the derived one', () => {
    const test = testResult(MODEL, { kind: 'status', status: 500 });
    const seed = failureFields(test.outcomes.simple?.failure, test, RUN_SEED).find((f) => f.label === 'seed');
    expect(seed?.value).toBe('reproduce with: npm run grade -- --seed 3');
    expect(failurePlainText(test, test.outcomes.simple!, RUN_SEED)).toContain('seed: reproduce with: npm run grade -- --seed 3');
  });

  it('is absent for a test that drew no seed', () => {
    const plain = SAMPLE_SPECS.find((s) => s.seed === undefined)!;
    const test = testResult(plain, { kind: 'status', status: 500 });
    expect(failureFields(test.outcomes.simple?.failure, test, RUN_SEED).some((f) => f.label === 'seed')).toBe(false);
  });

  it('reaches the terminal, JUnit and Gradescope reports', () => {
    const run = modelRun();
    const sub = run.submissions[0]!;
    const texts = [
      renderTerminal(run, { color: false, width: 100 }),
      renderJunit(run),
      renderGradescope(sub, run).tests.map((t) => t.output).join('\n'),
    ];
    for (const text of texts) {
      expect(text).toContain('npm run grade -- --seed 3');
      expect(text).not.toContain(String(DERIVED));
    }
  });
});
