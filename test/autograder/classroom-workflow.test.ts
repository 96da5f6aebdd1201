/**
 * The GitHub Classroom workflow template: the names the reporter requires,
 * the permissions, the runner id matching its _RESULTS variable, and the
 * grading step's fallback (run here with a grader that fails) still handing
 * the reporter a valid base64 result.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBlock } from './workflow-steps.ts';

const WORKFLOW = readFileSync(resolve(import.meta.dirname, '../../autograder/classroom/classroom.yml'), 'utf8');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('classroom.yml', () => {
  it('has the workflow and job names the reporter looks for, and its permissions', () => {
    expect(WORKFLOW).toMatch(/^name: Autograding Tests$/m);
    expect(WORKFLOW).toMatch(/^jobs:\n {2}run-autograding-tests:$/m);
    expect(WORKFLOW).toMatch(/^permissions:\n {2}checks: write\n {2}actions: read\n {2}contents: read$/m);
    expect(WORKFLOW).toContain('uses: actions/setup-node@v4');
    expect(WORKFLOW).toMatch(/node-version: 24/);
    expect(WORKFLOW).toContain('run: npm ci');
  });

  it('grades with the grader the instructor pinned, not the copy in the student\'s repository', () => {
    expect(WORKFLOW).toMatch(/^ {6}GRADER_REPOSITORY: \S+\/\S+$/m);
    expect(WORKFLOW).toMatch(/^ {6}GRADER_REF: \S+$/m);
    // The student's repository and the grader are two checkouts, in two folders.
    expect(WORKFLOW).toMatch(/uses: actions\/checkout@v4\n {8}with:\n {10}path: submission\n/);
    expect(WORKFLOW).toMatch(/repository: \$\{\{ env\.GRADER_REPOSITORY \}\}\n {10}ref: \$\{\{ env\.GRADER_REF \}\}\n {10}path: grader-kit\n/);
    // Installed and run inside the grader's checkout, on the submission's file.
    expect(WORKFLOW).toMatch(/- name: Install the grader\n {8}working-directory: grader-kit\n/);
    expect(WORKFLOW).toMatch(/id: wsgi-grader\n {8}working-directory: grader-kit\n/);
    expect(runBlock(WORKFLOW, 'wsgi-grader')).toContain('grader/cli/grade.ts "$GITHUB_WORKSPACE/submission/$APP"');
    expect(WORKFLOW).toContain('cache-dependency-path: grader-kit/package-lock.json');
  });

  it('passes the grader step\'s result to the reporter under <ID>_RESULTS', () => {
    const id = /id: (\S+)\n(?:\s+working-directory: \S+\n)?\s+run: \|/.exec(WORKFLOW)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(WORKFLOW).toContain(`${id.toUpperCase()}_RESULTS: "\${{ steps.${id}.outputs.result }}"`);
    expect(WORKFLOW).toMatch(new RegExp(`runners: ${id}$`, 'm'));
    expect(WORKFLOW).toContain('uses: classroom-resources/autograding-grading-reporter@v1');
    expect(runBlock(WORKFLOW, id)).toContain('--classroom classroom-result.json');
  });

  it('writes a valid error result when the grader cannot run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'classroom-'));
    dirs.push(dir);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // A grader that dies before writing anything.
    writeFileSync(join(bin, 'npx'), '#!/bin/sh\necho "grader exploded" >&2\nexit 3\n');
    chmodSync(join(bin, 'npx'), 0o755);
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    const run = spawnSync('bash', ['-e', '-c', runBlock(WORKFLOW, 'wsgi-grader')], {
      cwd: dir,
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, GITHUB_OUTPUT: output, APP: 'starter/app.ts' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const line = readFileSync(output, 'utf8').trim();
    expect(line).toMatch(/^result=[A-Za-z0-9+/=]+$/);
    const result = JSON.parse(Buffer.from(line.slice('result='.length), 'base64').toString('utf8')) as {
      version: number; status: string; max_score: number; tests: Array<{ name: string; status: string; score: number; message: string }>;
    };
    expect(result.version).toBe(1);
    expect(result.status).toBe('error');
    expect(result.tests[0]?.status).toBe('error');
    expect(result.tests[0]?.message).toContain('exit status 3');
  });
});
