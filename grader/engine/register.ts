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
import type { EarlyStarts } from './worker/early.ts';
import { DEFAULT_TEST_SERVERS } from '../servers/names.ts';
import { runCase, skippedCase } from './worker/run-case.ts';
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

/** `early`: the app processes the entry file started before this module loaded (see worker/early.ts). */
export async function registerSubmission(config: SubmissionConfig, early?: EarlyStarts): Promise<void> {
  const submission = new SubmissionState(config, config.prepared ?? (await prepareOne(config.source)));
  // The app processes boot while the suites load (the slowest part of collecting); prefork's start when a test needs them.
  submission.prestart(config.servers.filter((server) => DEFAULT_TEST_SERVERS.includes(server)), early);
  let groups: Awaited<ReturnType<typeof collectGroups>>;
  try {
    groups = await collectGroups(config.suites, config.tiers, config.only, config.servers);
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
      const here = group.tests.filter((collected) => collected.info.servers.includes(server));
      if (here.length === 0) continue;
      // A pool only for tests that will use it: a skipped test starts no process.
      const pool = here.some((collected) => collected.info.skip === undefined) ? submission.pool(server) : undefined;
      describe(`${group.label} [${server}]`, { concurrent: true }, () => {
        for (const collected of here) {
          const place = order++;
          test(`${collected.spec.id} [${server}]`, { concurrent: false }, async () => {
            const ran = collected.info.skip !== undefined ? skippedCase(collected, server) : await runCase(submission, pool, collected, server);
            submission.record(place, ran);
            if (ran.failure !== undefined) throw new CaseFailed(ran.failure.message);
          });
        }
      });
    }
  }
}
