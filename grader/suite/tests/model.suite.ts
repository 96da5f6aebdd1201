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
 * Sequences of up to 12 operations plus a final GET /todos. With the
 * engine's run count this is a few hundred requests per server; a failure's
 * shrinking may send up to 1500 more.
 */
export const MODEL_OPTIONS: ModelTestOptions = { maxCommands: 12, shrinkRequests: 1500 };

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
