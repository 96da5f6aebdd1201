/**
 * --watch: grade one submission, then again after every save, with the
 * runner process (and vitest) kept warm between runs. A save in the --tests
 * folder regrades too, with a new runner: its workers keep the suite modules
 * they imported, so a changed suite would otherwise be graded as it was.
 * Ends with Ctrl-C.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Grader, SubmissionSource } from '../engine/index.ts';
import type { GradeRun } from '../results/types.ts';
import { errorMessage } from '../common/error-message.ts';

/** Editors save in bursts (temp file, rename, chmod): wait for quiet. */
const SETTLE_MS = 150;

export interface WatchPlan {
  source: SubmissionSource;
  paths: readonly string[];
  grader: Grader;
  /** The hidden suites' folder, watched too. */
  testsDir?: string;
  /** A grader with a new runner (after a suite changed); the old one is closed. */
  renew: () => Grader;
  show: (run: GradeRun) => void;
  clear: () => void;
}

/** Skip what editors and tools write beside sources. */
function ignored(file: string | Buffer | null): boolean {
  return typeof file === 'string' && (file.includes('node_modules') || basename(file).startsWith('.'));
}

export async function watchSubmission(plan: WatchPlan): Promise<number> {
  const { source, paths } = plan;
  let grader = plan.grader;
  let grading = false;
  let again = false;
  let suitesChanged = false;
  let timer: NodeJS.Timeout | undefined;

  const once = async (): Promise<void> => {
    if (grading) {
      again = true;
      return;
    }
    grading = true;
    try {
      do {
        again = false;
        if (suitesChanged) {
          suitesChanged = false;
          const old = grader;
          grader = plan.renew();
          await old.close();
        }
        const run = await grader.grade(paths);
        plan.clear();
        plan.show(run);
        const also = plan.testsDir === undefined ? '' : ` and ${plan.testsDir}`;
        process.stderr.write(`\nwatching ${source.path}${also} — grading again on every save (Ctrl-C to stop)\n`);
      } while (again);
    } catch (error) {
      process.stderr.write(`grade: ${errorMessage(error)}\n`);
    } finally {
      grading = false;
    }
  };
  const soon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void once(), SETTLE_MS);
  };

  await once();
  // A folder submission may span several files; a single .ts file is confined to itself.
  const isFolder = !source.sourcePath.endsWith('.ts');
  const target = isFolder ? source.sourcePath : dirname(source.sourcePath);
  const only = isFolder ? undefined : basename(source.sourcePath);
  const watchers: FSWatcher[] = [];
  const closeAll = (): void => watchers.forEach((watcher) => watcher.close());
  try {
    watchers.push(watch(target, { recursive: isFolder }, (_event, file) => {
      if ((only !== undefined && file !== only) || ignored(file)) return;
      soon();
    }));
    if (plan.testsDir !== undefined) {
      watchers.push(watch(plan.testsDir, { recursive: true }, (_event, file) => {
        if (ignored(file)) return;
        suitesChanged = true;
        soon();
      }));
    }
  } catch (error) {
    closeAll();
    process.stderr.write(`grade: cannot watch ${target}: ${errorMessage(error)}\n`);
    return 2;
  }

  return new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      closeAll();
      clearTimeout(timer);
      void grader.close().finally(() => resolve(0));
    });
  });
}
