/**
 * Model-based grading: random request sequences (POST, GET and DELETE with
 * tricky titles, bad bodies, wrong methods and paths) checked answer by
 * answer against a model of the core statement (grader/suite/model/).
 * A failure is shrunk to the few requests that matter and replayed alone.
 */
import type { TestContext } from '../define.ts';
import { defineSuite } from '../define.ts';
import { checkAgainstModel, type ModelTestOptions } from '../model/check.ts';

/**
 * Sequences of up to 16 operations (8 on average) plus a final GET /todos.
 * With 15 runs (the engine's --runs) that is about 150 requests and 15
 * fresh apps per server, a few hundred milliseconds. On the model mutants,
 * 15 runs catch each bug for 93–100% of seeds (the default seed catches all
 * four), and shrinking needs at most ~450 more requests; 1000 is its cap.
 */
export const MODEL_OPTIONS: ModelTestOptions = { maxCommands: 16, shrinkRequests: 1000 };

export default defineSuite('model', (s) => {
  s.group('model', () => {
    s.test(
      {
        id: 'core.model.random-sequences',
        title: 'Holds for random request sequences, each answer checked against a model of the core rules',
        tier: 'core',
        points: 10,
        rule: 'Every rule of the core tier, in any order: status codes, Location, Allow, JSON bodies with a byte-correct Content-Length, ids never reused, rejected requests change nothing',
        hint: 'The failure shows the shortest sequence found that goes wrong: replay its curl lines against npm run serve and compare each answer with the statement.',
      },
      async (t: TestContext) => {
        await checkAgainstModel(t, MODEL_OPTIONS);
      },
    );
  });
});
