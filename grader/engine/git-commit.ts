/**
 * Which commit a submission was graded at, read from its git repository's
 * files (no git binary needed, none is run): HEAD, then the ref it names in
 * refs/ or packed-refs (gitrepository-layout(5)). A `.git` file
 * ("gitdir: …", as worktrees and submodules have) is followed, and a
 * worktree's refs are looked up in its common dir.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

async function text(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then((t) => t.trim(), () => undefined);
}

/** The git directory of a work tree's root, if that folder has a .git. */
async function gitDirOf(root: string): Promise<string | undefined> {
  const dotGit = join(root, '.git');
  const info = await stat(dotGit).catch(() => undefined);
  if (info?.isDirectory()) return dotGit;
  if (!info?.isFile()) return undefined;
  const pointer = /^gitdir:\s*(.+)$/m.exec((await text(dotGit)) ?? '')?.[1]?.trim();
  if (pointer === undefined) return undefined;
  return isAbsolute(pointer) ? pointer : resolve(root, pointer);
}

async function resolveRef(gitDir: string, ref: string): Promise<string | undefined> {
  const common = await text(join(gitDir, 'commondir'));
  const dirs = [gitDir, ...(common === undefined ? [] : [isAbsolute(common) ? common : resolve(gitDir, common)])];
  for (const dir of dirs) {
    const loose = await text(join(dir, ...ref.split('/')));
    if (loose !== undefined && SHA.test(loose)) return loose;
    for (const line of ((await text(join(dir, 'packed-refs'))) ?? '').split('\n')) {
      const [sha, name] = line.trim().split(/\s+/);
      if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
    }
  }
  return undefined;
}

/** The commit checked out in the repository whose root is `root`; undefined when it is none, or has no commit yet. */
export async function commitAt(root: string): Promise<string | undefined> {
  const gitDir = await gitDirOf(root);
  if (gitDir === undefined) return undefined;
  const head = await text(join(gitDir, 'HEAD'));
  if (head === undefined) return undefined;
  if (SHA.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  return ref === undefined ? undefined : resolveRef(gitDir, ref);
}

/** The root of the nearest repository holding `from`, looking no higher than `upTo`. */
export async function repositoryRoot(from: string, upTo?: string): Promise<string | undefined> {
  let dir = resolve(from);
  const stop = upTo === undefined ? undefined : resolve(upTo);
  for (;;) {
    if (await gitDirOf(dir)) return dir;
    const parent = dirname(dir);
    if (dir === stop || parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The commit of the nearest repository holding `from`, looking no higher
 * than `upTo` (a class folder's entry stops at itself, so a class kept inside
 * another repository does not report that repository's commit for each).
 */
export async function commitOf(from: string, upTo?: string): Promise<string | undefined> {
  const root = await repositoryRoot(from, upTo);
  return root === undefined ? undefined : commitAt(root);
}
