/**
 * The Gradescope archive: setup.sh and run_autograder at the root, executable,
 * with what the grader needs and nothing it must not ship (solution, tests,
 * node_modules). Checked with `unzip` where installed, which also verifies
 * every CRC.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, zipEntries } from '../../autograder/gradescope/build-zip.ts';
import { buildZip } from '../../autograder/gradescope/zip.ts';

const hasUnzip = spawnSync('unzip', ['-v'], { encoding: 'utf8' }).status === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'autograder-zip-'));
  dirs.push(dir);
  return dir;
}

describe('zipEntries', () => {
  const entries = zipEntries({ root: PROJECT_ROOT });
  const names = entries.map((e) => e.name);

  it('puts setup.sh and run_autograder at the root, executable', () => {
    expect(names.slice(0, 2)).toEqual(['setup.sh', 'run_autograder']);
    expect(entries[0]?.mode).toBe(0o755);
    expect(entries[1]?.mode).toBe(0o755);
  });

  it('ships the grader and the lock file, not the solution, tests or node_modules', () => {
    expect(names).toContain('package.json');
    expect(names).toContain('package-lock.json');
    expect(names).toContain('grader/results/types.ts');
    expect(names.some((n) => n.startsWith('grader/suite/tests/'))).toBe(true);
    for (const n of names) expect(n).not.toMatch(/^(solution|test|bench|node_modules|\.git)\//);
    expect(new Set(names).size).toBe(names.length);
  });

  it('writes the grader options chosen (--typecheck) to grade-options, and nothing when there are none', () => {
    const options = zipEntries({ root: PROJECT_ROOT, gradeOptions: ['--typecheck'] }).find((e) => e.name === 'grade-options');
    expect(options?.data.toString()).toBe('--typecheck\n');
    expect(zipEntries({ root: PROJECT_ROOT }).map((e) => e.name)).not.toContain('grade-options');
  });

  it('adds hidden suites as hidden-tests/', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret.suite.ts'), 'export default {};\n');
    writeFileSync(join(dir, 'notes.md'), 'not shipped');
    const withHidden = zipEntries({ root: PROJECT_ROOT, testsDir: dir }).map((e) => e.name);
    expect(withHidden).toContain('hidden-tests/secret.suite.ts');
    expect(withHidden).not.toContain('hidden-tests/notes.md');
  });
});

describe('buildZip', () => {
  it('is byte-for-byte the same for the same input', () => {
    const entries = [{ name: 'a.txt', data: Buffer.from('hello') }];
    expect(buildZip(entries).equals(buildZip(entries))).toBe(true);
  });

  it.skipIf(!hasUnzip)('writes an archive unzip lists, tests and extracts with modes kept', () => {
    const dir = tempDir();
    const zip = join(dir, 'autograder.zip');
    const big = Buffer.from('compress me '.repeat(5000));
    writeFileSync(zip, buildZip([
      { name: 'run_autograder', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
      { name: 'grader/ünïcode.ts', data: big },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ]));
    const test = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    expect(test.stdout).toContain('No errors detected');
    const out = join(dir, 'out');
    mkdirSync(out);
    expect(spawnSync('unzip', ['-q', zip, '-d', out]).status).toBe(0);
    const run = spawnSync(join(out, 'run_autograder'), [], { encoding: 'utf8' });
    expect(run.stdout).toBe('hi\n');
    const listing = spawnSync('unzip', ['-Z', '-l', zip], { encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/-rwxr-xr-x.*run_autograder/);
    expect(listing).toMatch(/grader\/ünïcode\.ts/);
  });

  it.skipIf(!hasUnzip)('builds the real archive with the script', () => {
    const out = join(tempDir(), 'autograder.zip');
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'autograder/gradescope/build-zip.ts'), '--out', out], {
      cwd: PROJECT_ROOT, encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`wrote ${out}`);
    const listing = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing.slice(0, 2)).toEqual(['setup.sh', 'run_autograder']);
    expect(spawnSync('unzip', ['-t', out], { encoding: 'utf8' }).stdout).toContain('No errors detected');
  });
});
