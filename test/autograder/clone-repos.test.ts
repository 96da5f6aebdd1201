// Grading every repository of a course in one run: clone-repos clones a list of (here local, file://)
// repositories into one folder, and `npm run grade -- folder/` grades each, with the commit it graded.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAt, commitOf } from '../../grader/engine/git-commit.ts';
import type { GradeRun } from '../../grader/results/types.ts';
import { readList, repositoryName } from '../../autograder/github/clone-repos.ts';
import { commitFiles, git, makeRepo } from './git-repo.ts';

const PROJECT = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'clone-repos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cloneRepos(...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(PROJECT, 'node_modules/tsx/dist/cli.mjs'), join(PROJECT, 'autograder/github/clone-repos.ts'), ...args], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

function grade(args: string[]): Promise<number | null> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'grader/cli/grade.ts', ...args], { cwd: PROJECT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', done);
  });
}

const STARTER = readFileSync(join(PROJECT, 'starter', 'app.ts'), 'utf8');

describe('repository names and lists', () => {
  it('names a clone as git does, from the URL\'s last segment', () => {
    expect(repositoryName('git@github.com:course/todo-wsgi-alice.git')).toBe('todo-wsgi-alice');
    expect(repositoryName('https://github.com/course/todo-wsgi-bob/')).toBe('todo-wsgi-bob');
    expect(repositoryName('file:///C:/repos/carol.git')).toBe('carol');
    expect(repositoryName('https://example.com/..')).toBeUndefined();
    expect(readList('# course\n\nurl-a\r\n  url-b  \n')).toEqual(['url-a', 'url-b']);
  });
});

describe('commitOf', () => {
  it('reads HEAD through a branch, packed refs, a detached HEAD and a worktree\'s .git file', async () => {
    const repo = join(dir, 'plain');
    const first = makeRepo(repo, { 'app.ts': STARTER });
    await expect(commitAt(repo)).resolves.toBe(first);
    git(repo, 'pack-refs', '--all');
    await expect(commitOf(join(repo), repo)).resolves.toBe(first);
    const second = commitFiles(repo, { 'note.txt': 'x' }, 'Second');
    git(repo, 'checkout', '--quiet', '--detach', first);
    await expect(commitAt(repo)).resolves.toBe(first);
    git(repo, 'worktree', 'add', '--quiet', join(dir, 'wt'), second);
    await expect(commitAt(join(dir, 'wt'))).resolves.toBe(second);
    await expect(commitOf(join(dir, 'nowhere-near-git'), join(dir, 'nowhere-near-git'))).resolves.toBeUndefined();
  });
});

describe('clone-repos, then grade the folder', () => {
  let run: GradeRun;
  let aliceFirst: string;
  let bobCommit: string;
  let cloned: { status: number | null; stderr: string };

  beforeAll(async () => {
    // The students' repositories: the kit's layout, starter/app.ts.
    aliceFirst = makeRepo(join(dir, 'remote', 'todo-wsgi-alice'), { 'starter/app.ts': STARTER, 'README.md': 'alice' });
    const solution = Object.fromEntries(readdirSync(join(PROJECT, 'solution')).map((f) => [`starter/${f}`, readFileSync(join(PROJECT, 'solution', f), 'utf8')]));
    bobCommit = makeRepo(join(dir, 'remote', 'todo-wsgi-bob.git'), solution);
    const urls = ['todo-wsgi-alice', 'todo-wsgi-bob.git', 'missing-repo'].map((name) => pathToFileURL(join(dir, 'remote', name)).href);
    writeFileSync(join(dir, 'repos.txt'), `# the course\n${urls.join('\n')}\n\n`);
    cloned = cloneRepos('repos.txt', 'submissions');
    await grade([join(dir, 'submissions'), '--tier', 'core', '--test', 'core.list', '--json', join(dir, 'class.json')]);
    run = JSON.parse(readFileSync(join(dir, 'class.json'), 'utf8')) as GradeRun;
  }, 180_000);

  it('clones each repository into the folder, and says which could not be', () => {
    expect(cloned.status).toBe(1);
    expect(cloned.stderr).toMatch(/\[1\/3\] ✓ \S+todo-wsgi-alice → submissions[\\/]todo-wsgi-alice at [0-9a-f]{12}/);
    expect(cloned.stderr).toMatch(/\[3\/3\] ✗ \S+missing-repo: /);
    expect(cloned.stderr).toContain('2 of 3 repositories in submissions');
  });

  it('grades each repository\'s starter/app.ts, under the repository\'s name, with the commit graded', () => {
    expect(run.submissions.map((s) => [s.name, s.commit])).toEqual([['todo-wsgi-alice', aliceFirst], ['todo-wsgi-bob', bobCommit]]);
    expect(run.submissions.map((s) => s.status)).toEqual(['graded', 'graded']);
    expect(run.submissions[0]!.score).toBe(0);
    expect(run.submissions[1]!.score).toBe(run.submissions[1]!.maxScore);
    expect(run.submissions[0]!.path).toMatch(/todo-wsgi-alice[\\/]starter$/);
  });

  it('brings a clone up to date on a second run, or to the last commit before a deadline', async () => {
    const remote = join(dir, 'remote', 'todo-wsgi-alice');
    const later = commitFiles(remote, { 'starter/app.ts': `${STARTER}\n// later\n` }, 'Later');
    writeFileSync(join(dir, 'alice.txt'), pathToFileURL(remote).href);
    expect(cloneRepos('alice.txt', 'submissions').status).toBe(0);
    await expect(commitAt(join(dir, 'submissions', 'todo-wsgi-alice'))).resolves.toBe(later);
    // A deadline before the later commit: the first one is checked out.
    const when = git(remote, 'log', '-1', '--format=%cI', aliceFirst);
    // Committed long after it, whatever the clock says now (rev-list --before reads committer dates).
    spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '--amend', '--no-edit'], {
      cwd: remote, env: { ...process.env, GIT_COMMITTER_DATE: '2099-01-01T00:00:00Z' },
    });
    const result = spawnSync(process.execPath, [join(PROJECT, 'node_modules/tsx/dist/cli.mjs'), join(PROJECT, 'autograder/github/clone-repos.ts'), 'alice.txt', 'deadline', '--before', when], {
      cwd: dir, encoding: 'utf8', env: { ...process.env },
    });
    expect(result.status, result.stderr).toBe(0);
    await expect(commitAt(join(dir, 'deadline', 'todo-wsgi-alice'))).resolves.toBe(aliceFirst);
  });
});
