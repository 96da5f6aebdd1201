/**
 * Node's permission model follows symbolic links, so a link inside a
 * submission could open a file anywhere (the grader's hidden tests, say).
 * Such links are refused before the submission runs.
 */
import { readdir, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isInside } from './confine-imports.ts';

/** A submission folder larger than this is refused rather than half-checked. */
const MAX_ENTRIES = 20_000;

/** A one-line problem, or undefined when every link stays inside `root` (a real path). */
export async function outsideLinks(root: string): Promise<string | undefined> {
  let seen = 0;
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (++seen > MAX_ENTRIES) {
        return `the submission folder holds more than ${MAX_ENTRIES} files — submit the app's own files only (no node_modules)`;
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(path);
        } catch {
          continue; // dangling: it opens nothing
        }
        if (!isInside(root, target)) {
          return `${relative(root, path)} is a symbolic link to a place outside the submission — copy the file in instead`;
        }
      }
    }
  }
  return undefined;
}
