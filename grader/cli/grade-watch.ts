/**
 * --watch: grade one submission, then again after every save, with the
 * runner process (and vitest) kept warm between runs. Ends with Ctrl-C.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Grader, SubmissionSource } from '../engine/index.ts';
import type { GradeRun } from '../results/types.ts';

/** Editors save in bursts (temp file, rename, chmod): wait for quiet. */
const SETTLE_MS = 150;

export async function watchSubmission(
  source: SubmissionSource,
  grader: Grader,
  paths: readonly string[],
  show: (run: GradeRun) => void,
  clear: () => void,
): Promise<number> {
  let grading = false;
  let again = false;
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
        const run = await grader.grade(paths);
        clear();
        show(run);
        process.stderr.write(`\nwatching ${source.path} — grading again on every save (Ctrl-C to stop)\n`);
      } while (again);
    } catch (error) {
      process.stderr.write(`grade: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      grading = false;
    }
  };

  await once();
  // A folder submission may span several files; a single .ts file is confined to itself.
  const isFolder = !source.sourcePath.endsWith('.ts');
  const target = isFolder ? source.sourcePath : dirname(source.sourcePath);
  const only = isFolder ? undefined : basename(source.sourcePath);
  let watcher: FSWatcher;
  try {
    watcher = watch(target, { recursive: isFolder }, (_event, file) => {
      if (only !== undefined && file !== only) return;
      if (typeof file === 'string' && (file.includes('node_modules') || basename(file).startsWith('.'))) return;
      clearTimeout(timer);
      timer = setTimeout(() => void once(), SETTLE_MS);
    });
  } catch (error) {
    process.stderr.write(`grade: cannot watch ${target}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  return new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      watcher.close();
      clearTimeout(timer);
      resolve(0);
    });
  });
}
