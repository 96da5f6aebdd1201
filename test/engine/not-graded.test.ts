/**
 * Runs the grader cannot grade, and says so: the app unreachable (every
 * connection refused or reset by something outside the student's code, while
 * the app process is loaded and running) or the grader itself failing. Real
 * runs: real app processes, a real closed port and a real TCP server that
 * resets every connection standing in for a firewall (GradeOptions.connectTo
 * points the grader's HTTP client at them instead of the app).
 */
import { parse } from 'csv-parse/sync';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade } from '../../grader/engine/index.ts';
import type { GradeOptions } from '../../grader/engine/index.ts';
import { renderClassroom } from '../../grader/reports/classroom.ts';
import { renderCsv } from '../../grader/reports/csv.ts';
import { renderGradescope } from '../../grader/reports/gradescope.ts';
import { renderJunit } from '../../grader/reports/junit.ts';
import { renderTerminal } from '../../grader/reports/terminal.ts';
import type { GradeRun, SubmissionResult } from '../../grader/results/types.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const good = join(fixtures, 'apps', 'good.ts');
// Generous start-up: a busy machine must not turn these runs into load errors.
const options: GradeOptions = { suiteFiles: [join(fixtures, 'mini.suite.ts')], requestTimeoutMs: 1000, startTimeoutMs: 20_000 };

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** A TCP server that resets every connection it accepts, as a firewall's RST would. */
const firewall = createServer((socket) => socket.resetAndDestroy());
let resetPort = 0;
/** A port nothing listens on: the kernel refuses connections to it. */
let closedPort = 0;
const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-not-graded-'));
let reset: GradeRun;
let refused: GradeRun;
let broken: GradeRun;
let hanging: GradeRun;

beforeAll(async () => {
  resetPort = await listen(firewall);
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  // Never answers: every test fails on a timeout, which is the app's doing, not a failure to reach it.
  writeFileSync(join(dir, 'loops.ts'), 'export function application(environ: unknown, startResponse: unknown) {\n  for (;;) {}\n}\n');
  [reset, refused, broken, hanging] = await Promise.all([
    grade([good], { ...options, connectTo: `127.0.0.1:${resetPort}` }),
    grade([good], { ...options, connectTo: `127.0.0.1:${closedPort}` }),
    grade([good], { suiteFiles: [join(fixtures, 'broken-test.suite.ts')], startTimeoutMs: 20_000 }),
    grade([join(dir, 'loops.ts')], { ...options, requestTimeoutMs: 500 }),
  ]);
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => firewall.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function only(run: GradeRun): SubmissionResult {
  const sub = run.submissions[0];
  if (sub === undefined || run.submissions.length !== 1) throw new Error('expected one submission');
  return sub;
}

describe('an app the grader cannot reach', () => {
  it('is "unreachable" when every connection is reset, naming the servers and the error', () => {
    const sub = only(reset);
    expect(sub.status).toBe('unreachable');
    expect(sub.statusDetail).toMatch(/^the grader could not connect to the app on simple and socket, although the app loaded and kept running: no request reached it \(connection error: the connection closed/);
  });

  it('is "unreachable" when every connection is refused', () => {
    const sub = only(refused);
    expect(sub.status).toBe('unreachable');
    expect(sub.statusDetail).toContain('refused the connection');
  });

  it('stops trying after a few tests: the rest fail at once with the same reason', () => {
    const messages = only(reset).tests.flatMap((t) => Object.values(t.outcomes).map((o) => o.failure?.message ?? ''));
    expect(messages.some((m) => m.startsWith('not run: the grader could not connect to the app on'))).toBe(true);
  });

  it('is never blamed on the code, in any report', () => {
    const sub = only(reset);
    const terminal = renderTerminal(reset, { color: false });
    expect(terminal).toContain('Not graded: the grader could not connect to the app');
    expect(terminal.replace(/\s+/g, ' ')).toContain('This is not a problem in the submitted code');
    expect(terminal).not.toMatch(/Where to start|Start with|Scores|total/);

    const [header = [], cells = []] = parse(renderCsv(reset)) as string[][];
    expect(cells[header.indexOf('status')]).toBe('unreachable');
    // No 0 for a gradebook to import.
    expect(cells[header.indexOf('score')]).toBe('');
    expect(cells.slice(header.indexOf('richardson'))).toEqual(header.slice(header.indexOf('richardson')).map(() => ''));

    const junit = renderJunit(reset);
    expect(junit.match(/<testcase /g)).toHaveLength(1);
    expect(junit).toMatch(/<error message="Not graded: [^"]*" type="unreachable">/);
    expect(junit).not.toContain('<failure');

    const gradescope = renderGradescope(sub, reset);
    expect(gradescope.output).toContain('The autograder could not grade this submission');
    expect(gradescope.output).toContain('not a problem in the submitted code');
    expect(gradescope.extra_data.status).toBe('unreachable');
    expect(gradescope.tests.filter((t) => t.status === 'failed')).toEqual([]);

    const classroom = renderClassroom(sub, reset);
    expect(classroom.status).toBe('error');
    expect(classroom.tests).toHaveLength(1);
    expect(classroom.tests[0]?.message).toContain('not a problem in the submitted code');
  });

  it('is not claimed for an app that hangs: its requests reached it', () => {
    const sub = only(hanging);
    expect(sub.status).not.toBe('unreachable');
    expect(sub.tests.every((t) => Object.values(t.outcomes).every((o) => o.status === 'failed'))).toBe(true);
    expect(renderTerminal(hanging, { color: false })).not.toContain('Not graded');
  });
});

describe('a grader that fails', () => {
  it('is "grader-error", naming the test, never the code', () => {
    const sub = only(broken);
    expect(sub.status).toBe('grader-error');
    expect(sub.statusDetail).toMatch(/^broken\.bug on (simple|socket): the grader failed: the test could not finish: /);
    const terminal = renderTerminal(broken, { color: false });
    expect(terminal).toContain('Not graded: the grader itself failed');
    expect(terminal.replace(/\s+/g, ' ')).toContain('This is not a problem in the submitted code');
    expect(terminal).not.toContain('Where to start');
  });
});
