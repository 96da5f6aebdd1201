/**
 * A submission's code as the similarity check reads it: every .ts file of its
 * folder (or the one .ts file), as text, with a path relative to the
 * submission. Files are read, never run.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface SourceFile {
  /** Relative to the submission, with forward slashes on every platform ("app.ts", "lib/http.ts"). */
  path: string;
  text: string;
}

export interface SubmissionCode {
  name: string;
  files: SourceFile[];
}

/** Student folders stay small; a folder holding more than this is not read further. */
const MAX_FILES = 200;
const MAX_BYTES = 1024 * 1024;

const isCode = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts');

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (out.length >= MAX_FILES) return;
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, path, out);
    else if (entry.isFile() && isCode(entry.name)) out.push(path);
  }
}

/** Forward slashes, so names and reports read the same on Windows. */
export function portablePath(path: string): string {
  return path.split(sep).join('/');
}

/** The .ts files of a submission: `sourcePath` is a folder or a single .ts file. A missing path gives no files. */
export async function readSubmission(name: string, sourcePath: string): Promise<SubmissionCode> {
  const info = await stat(sourcePath).catch(() => undefined);
  if (info === undefined) return { name, files: [] };
  const paths: string[] = [];
  if (info.isDirectory()) await walk(sourcePath, sourcePath, paths);
  else paths.push(sourcePath);
  const files: SourceFile[] = [];
  for (const path of paths) {
    const size = (await stat(path)).size;
    if (size > MAX_BYTES) continue;
    const rel = info.isDirectory() ? portablePath(relative(sourcePath, path)) : portablePath(path).split('/').pop()!;
    files.push({ path: rel, text: await readFile(path, 'utf8') });
  }
  return { name, files };
}
