// A submission that scans loopback and sends requests to whatever answers,
// graded in a class beside known-good submissions, as an instructor grades:
// every classmate keeps the full score it has alone.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GradeRun } from '../../grader/results/types.ts';

// Named to be graded after the saboteur, all at once (--jobs 5): its scan runs while they are graded.
const CLASSMATES = ['student-1', 'student-2', 'student-3', 'student-4'];
const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-saboteur-test-'));
let code: number | null;
let stderr = '';
let run: GradeRun;

beforeAll(async () => {
  const classDir = join(dir, 'class');
  cpSync('test/fixtures/hostile/saboteur', join(classDir, 'mallory'), { recursive: true });
  for (const name of CLASSMATES) cpSync('solution', join(classDir, name), { recursive: true });
  const json = join(dir, 'class.json');
  code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['grader/cli/grade.mjs', classDir, '--tier', 'core', '--jobs', '5', '--json', json], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  run = JSON.parse(readFileSync(json, 'utf8')) as GradeRun;
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the saboteur is graded like any submission', () => {
  expect(code, stderr).toBe(1);
  expect(run.submissions.find((s) => s.name === 'mallory')?.status).toBe('graded');
});

test("no classmate loses a point to the saboteur's requests", () => {
  for (const name of CLASSMATES) {
    const result = run.submissions.find((s) => s.name === name);
    expect(result?.status, `${name}: ${result?.statusDetail ?? ''}`).toBe('graded');
    const lost = result!.tests.flatMap((t) => Object.values(t.outcomes).filter((o) => o.status === 'failed').map((o) => `${t.id} on ${o.server}: ${o.failure?.message ?? ''}`));
    expect(lost, name).toEqual([]);
    expect(result!.score, name).toBe(result!.maxScore);
  }
});
