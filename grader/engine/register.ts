/**
 * Runs inside a vitest worker: registers one submission's tests with vitest.
 * Each generated entry file calls registerSubmission(config) once.
 *
 * Every group of every suite is registered once per server as a describe
 * block — the tests are parameterised by server, never copied. Groups run
 * concurrently; the tests of a group run one after the other. Each test
 * borrows an app process of its server and starts on a fresh app instance.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { prepareOne } from './prepare.ts';
import type { SubmissionConfig } from './protocol.ts';
import { runCase } from './worker/run-case.ts';
import { SubmissionState } from './worker/submission.ts';
import { collectGroups } from './worker/suites.ts';

/**
 * Thrown (after the result is recorded) so vitest's own verdict agrees with
 * ours. Without stack frames: vitest would otherwise map each one through
 * source maps (~3 ms a failure), and the frames would be the grader's anyway.
 */
class CaseFailed extends Error {
  override readonly name = 'CaseFailed';
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

export async function registerSubmission(config: SubmissionConfig): Promise<void> {
  const submission = new SubmissionState(config, config.prepared ?? (await prepareOne(config.source)));
  // The app processes boot while the suites load (the slowest part of collecting).
  submission.prestart(config.servers);
  let groups: Awaited<ReturnType<typeof collectGroups>>;
  try {
    groups = await collectGroups(config.suites, config.tiers, config.only);
  } catch (error) {
    await submission.end();
    throw error;
  }
  if (groups.length === 0) {
    // Nothing selected (e.g. a tier without tests): vitest runs no hooks for an empty file.
    await submission.end();
    return;
  }

  beforeAll(() => submission.begin());
  // vitest 4 hands hooks a fixture context first (it must be destructured), the file second.
  afterAll(async ({}, file) => {
    file.meta.todoWsgiModule = await submission.end();
  });

  let order = 0;
  for (const group of groups) {
    for (const server of config.servers) {
      const pool = submission.pool(server);
      describe(`${group.label} [${server}]`, { concurrent: true }, () => {
        for (const collected of group.tests) {
          const place = order++;
          test(`${collected.spec.id} [${server}]`, { concurrent: false }, async () => {
            const ran = await runCase(submission, pool, collected, server);
            submission.record(place, ran);
            if (ran.failure !== undefined) throw new CaseFailed(ran.failure.message);
          });
        }
      });
    }
  }
}
