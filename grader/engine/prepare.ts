/**
 * Submissions bundled for their app processes (sandbox/prepare.ts), in the
 * grader while the runner starts, and in the vitest workers for the rest: a
 * class of 100 takes seconds to bundle, and a worker can bundle the next
 * submission while the other grades.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareSubmission } from '../sandbox/prepare.ts';
import type { PreparedSubmission } from '../sandbox/types.ts';
import type { SubmissionSource } from './discover.ts';
import { errorMessage } from '../common/error-message.ts';

export interface PrepareJob {
  name: string;
  /** What prepareSubmission() gets: a folder holding app.ts, or a .ts file. */
  sourcePath: string;
  /** This submission's own folder in the run's temp folder. */
  workDir: string;
}

/** Bundle one submission; never throws (one bad submission never stops the batch). */
export async function prepareOne(job: PrepareJob): Promise<PreparedSubmission> {
  try {
    await mkdir(job.workDir, { recursive: true });
    const prepared = await prepareSubmission(job.sourcePath, job.workDir);
    return { ...prepared, name: job.name };
  } catch (error) {
    const message = errorMessage(error);
    return { ok: false, name: job.name, sourcePath: job.sourcePath, loadError: message };
  }
}

/**
 * Prepare `jobs` in order, `limit` at a time, until `stop()` says the runner
 * is ready — but always the first `atLeast` (they are graded first). The
 * others are left undefined for the workers. Those `known` already (a type
 * error) are kept as they are.
 */
export async function prepareWhile(
  jobs: readonly PrepareJob[],
  limit: number,
  atLeast: number,
  stop: () => boolean,
  known: ReadonlyArray<PreparedSubmission | undefined> = [],
): Promise<Array<PreparedSubmission | undefined>> {
  const results = Array.from(jobs, (_job, index) => known[index]);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, jobs.length) }, async () => {
    while (next < jobs.length && (next < atLeast || !stop())) {
      const index = next++;
      const job = jobs[index];
      if (job !== undefined && results[index] === undefined) results[index] = await prepareOne(job);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function prepareJobs(sources: readonly SubmissionSource[], runDir: string): PrepareJob[] {
  return sources.map((source, index) => ({ name: source.name, sourcePath: source.sourcePath, workDir: join(runDir, `s${index}`) }));
}
