/**
 * Level 4 names in-memory state as the cause only when the evidence says
 * so. Three small apps graded on prefork by the whole engine: one without
 * GET /todos (the route is missing: not a state problem), one that stores
 * nothing (the worker that created the to-do loses it too: not a matter of
 * several processes), one that keeps its to-dos in a Map (the worker that
 * created it lists it, the other does not: per-process state).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { Failure, SubmissionResult } from '../../grader/results/types.ts';

const SQLITE = process.getBuiltinModule('node:sqlite') !== undefined;
const fixtures = fileURLToPath(new URL('./fixtures/level4/', import.meta.url));
const PER_PROCESS = 'each with its own copy';
const NOT_PROCESSES = 'not about several processes';

describe.runIf(SQLITE)('level 4 diagnosis', () => {
  const classDir = mkdtempSync(join(tmpdir(), 'todo-wsgi-level4-'));
  const results = new Map<string, SubmissionResult>();

  beforeAll(async () => {
    cpSync(fixtures, classDir, { recursive: true });
    const run = await grade([classDir], { tiers: ['4'], requestTimeoutMs: 2000 });
    for (const submission of run.submissions) results.set(submission.name, submission);
  }, 180_000);
  afterAll(() => rmSync(classDir, { recursive: true, force: true }));

  function failure(app: string, id: string): Failure {
    const found = results.get(app)?.tests.find((test) => test.id === id)?.outcomes.prefork?.failure;
    if (found === undefined) throw new Error(`${app}: ${id} did not fail`);
    return found;
  }
  const text = (f: Failure): string => [f.message, f.why, f.hint].join('\n');

  it('a missing GET /todos is a missing route, not state', () => {
    const f = failure('no-list', 'l4.state.create-then-read');
    expect(f.message).toContain('the route does not work');
    expect(text(f)).not.toContain(PER_PROCESS);
    expect(f.hint).not.toContain('database');
  });

  it('a to-do the creating worker loses too is not blamed on several processes', () => {
    for (const id of ['l4.state.create-then-read', 'l4.state.list']) {
      const f = failure('forgets', id);
      expect(f.why, id).toContain(NOT_PROCESSES);
      expect(text(f), id).not.toContain(PER_PROCESS);
    }
  });

  it('a to-do only the creating worker lists is per-process state, with the workers named', () => {
    for (const id of ['l4.state.create-then-read', 'l4.state.list']) {
      const f = failure('memory', id);
      expect(f.why, id).toContain(PER_PROCESS);
      expect(f.why, id).toMatch(/worker \d+ \(pid \d+\)/i);
      expect(f.hint, id).toContain("environ['todo.database']");
    }
  });
});
