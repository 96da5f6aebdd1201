// Submissions that are students' repositories of the kit: the app in starter/app.ts, the commit from .git.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { discoverSubmissions } from '../../grader/engine/discover.ts';
import { makeRepo } from '../autograder/git-repo.ts';

const dir = mkdtempSync(join(tmpdir(), 'discover-repos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a repository of the kit is one submission, its starter/app.ts, with its commit', async () => {
  const sha = makeRepo(join(dir, 'class', 'alice'), { 'starter/app.ts': 'export {};\n', 'README.md': 'x' });
  mkdirSync(join(dir, 'class', 'bob'));
  writeFileSync(join(dir, 'class', 'bob', 'app.ts'), 'export {};\n');
  writeFileSync(join(dir, 'class', 'carol.ts'), 'export {};\n');
  const sources = await discoverSubmissions([join(dir, 'class')]);
  expect(sources).toEqual([
    { name: 'alice', path: join(dir, 'class', 'alice', 'starter'), sourcePath: join(dir, 'class', 'alice', 'starter'), commit: sha },
    // Not repositories: no commit, and the class folder's own repository (if any) is never looked at.
    { name: 'bob', path: join(dir, 'class', 'bob'), sourcePath: join(dir, 'class', 'bob') },
    { name: 'carol', path: join(dir, 'class', 'carol.ts'), sourcePath: join(dir, 'class', 'carol.ts') },
  ]);
  // Given directly, the repository folder is the one submission, not a class of its folders.
  expect(await discoverSubmissions([join(dir, 'class', 'alice')])).toEqual([
    { name: 'alice', path: join(dir, 'class', 'alice', 'starter'), sourcePath: join(dir, 'class', 'alice', 'starter'), commit: sha },
  ]);
  // A class kept in a repository of its own: its entries do not report that repository's commit.
  makeRepo(join(dir, 'class'), { 'notes.txt': 'grading notes' });
  expect((await discoverSubmissions([join(dir, 'class')])).find((s) => s.name === 'bob')).not.toHaveProperty('commit');
});
