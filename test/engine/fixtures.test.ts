/**
 * The grader's own known-good and known-bad submissions (mutants of
 * solution/, test/fixtures/submissions/mutants.ts), graded in one class run
 * by the whole engine on both servers: good ones get full marks — the grader
 * must not punish what the contract allows — and each bad one loses exactly
 * the tests it should, with the expected cause in the message.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { SubmissionResult } from '../../grader/results/types.ts';
import { DEFAULT_TEST_SERVERS, type ServerName } from '../../grader/servers/names.ts';

/** Level 4 (prefork) runs where Node has node:sqlite; elsewhere it is skipped. */
const SQLITE = process.getBuiltinModule('node:sqlite') !== undefined;
import { materialize, MUTANTS } from '../fixtures/submissions/mutants.ts';

/** A core-only submission written from the statement, its to-dos in SQLite at environ['todo.database']. */
const SQLITE_CORE = fileURLToPath(new URL('../fixtures/submissions/sqlite-core/', import.meta.url));

let dir: string;
const results = new Map<string, SubmissionResult>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'todo-wsgi-fixtures-'));
  for (const mutant of MUTANTS) await materialize(mutant, join(dir, 'class', mutant.name));
  await cp(SQLITE_CORE, join(dir, 'class', 'sqlite-core-only'), { recursive: true });
  // A shorter request timeout keeps the hanging mutant cheap; it is still far above any honest answer.
  const run = await grade([join(dir, 'class')], { requestTimeoutMs: 1000 });
  for (const submission of run.submissions) results.set(submission.name, submission);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function failingOn(result: SubmissionResult, server: ServerName): string[] {
  return result.tests
    .filter((test) => test.outcomes[server]?.status === 'failed')
    .map((test) => test.id)
    .sort();
}

describe.each(MUTANTS.filter((m) => m.kind === 'good'))('known-good $name', (mutant) => {
  it(`gets full marks on every server (${mutant.description})`, () => {
    const result = results.get(mutant.name)!;
    expect(result.status).toBe('graded');
    expect(failingOn(result, 'simple')).toEqual([]);
    expect(failingOn(result, 'socket')).toEqual([]);
    expect(failingOn(result, 'prefork')).toEqual([]);
    expect(result.score).toBe(result.maxScore);
  });
});

describe.each(MUTANTS.filter((m) => m.kind === 'bad'))('known-bad $name', (mutant) => {
  const failingServers = mutant.expect.servers ?? DEFAULT_TEST_SERVERS;

  it.each(DEFAULT_TEST_SERVERS)(`loses exactly the listed tests on %s (${mutant.description})`, (server) => {
    const result = results.get(mutant.name)!;
    const expected = failingServers.includes(server) ? [...mutant.expect.failing].sort() : [];
    expect(failingOn(result, server)).toEqual(expected);
  });

  it(`loses exactly the listed level 4 tests on prefork (${mutant.description})`, () => {
    const result = results.get(mutant.name)!;
    expect(failingOn(result, 'prefork')).toEqual(SQLITE ? [...(mutant.expect.prefork ?? [])].sort() : []);
  });

  it('names the cause in its failures', () => {
    const result = results.get(mutant.name)!;
    for (const server of [...failingServers, ...(SQLITE && mutant.expect.prefork !== undefined ? ['prefork' as const] : [])]) {
      for (const test of result.tests) {
        const failure = test.outcomes[server]?.failure;
        if (failure === undefined) continue;
        if (mutant.expect.violation !== undefined) expect(failure.violation?.code, `${test.id} [${server}]`).toBe(mutant.expect.violation);
        const words = mutant.expect.message?.[test.id];
        if (words !== undefined) {
          const text = [failure.message, failure.expected, failure.actual, failure.why].join('\n');
          expect(text, `${test.id} [${server}]`).toContain(words);
        }
      }
    }
  });
});

describe('a core-only app that keeps its to-dos in SQLite', () => {
  it('passes every core test on both servers', () => {
    const result = results.get('sqlite-core-only')!;
    for (const server of DEFAULT_TEST_SERVERS) {
      expect(failingOn(result, server).filter((id) => id.startsWith('core.'))).toEqual([]);
      // Level 2 and 3 routes it does not have: those tests fail, which shows they ran.
      expect(failingOn(result, server)).toContain('l2.get.item');
    }
  });

  it.runIf(SQLITE)('passes every level 4 test on prefork: level 4 needs only the core routes', () => {
    const result = results.get('sqlite-core-only')!;
    const level4 = result.tests.filter((test) => test.id.startsWith('l4.'));
    expect(level4.length).toBeGreaterThan(0);
    for (const test of level4) expect(test.outcomes.prefork?.status, test.id).toBe('passed');
  });
});
