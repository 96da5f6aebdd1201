/**
 * `npm run demo -- concurrency` as a student runs it: a real process, real
 * servers (simple and prefork), real concurrent requests. What is checked is
 * who answered, never how fast: the times are the demo's output, not a test.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../sandbox/helpers.ts';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function demo(...args: string[]): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'grader/cli/demo.ts', ...args], { cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The request lines of one section of the output: "request 2   0.41 s   worker 2 (pid 123)". */
function section(stdout: string, title: string): Array<{ worker?: number; pid: number }> {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith(title));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^ {2}request \d+\s+\d+\.\d\d s\s+(?:worker (\d+) \()?pid (\d+)\)?$/.exec(line);
    if (match === null) break;
    rows.push({ ...(match[1] === undefined ? {} : { worker: Number(match[1]) }), pid: Number(match[2]) });
  }
  return rows;
}

describe('npm run demo -- concurrency', () => {
  it('sends the same concurrent requests to simple (one process) and prefork (one per worker), and says why they differ', async () => {
    const ran = await demo('concurrency', '--requests', '3', '--ms', '200', '--workers', '3');
    expect(ran.code).toBe(0);
    const simple = section(ran.stdout, 'simple');
    const prefork = section(ran.stdout, 'prefork --workers 3');
    expect(simple).toHaveLength(3);
    expect(new Set(simple.map((row) => row.pid)).size).toBe(1);
    expect(prefork).toHaveLength(3);
    // Three requests at once, three idle workers: each is answered by a worker of its own.
    expect(new Set(prefork.map((row) => row.worker))).toEqual(new Set([1, 2, 3]));
    expect(new Set(prefork.map((row) => row.pid)).size).toBe(3);
    expect(ran.stdout).toMatch(/^ {2}total\s+\d+\.\d\d s$/m);
    expect(ran.stdout).toMatch(/simple runs the app in one process, one request at a time.*prefork runs 3 worker processes/);
  });

  it.each([
    [['concurrency', '--requests', '0'], /^demo: --requests takes a whole number from 1 to 32, not "0"$/],
    [['nope'], /^demo: unknown demo "nope" \(the one there is: concurrency\)$/],
    [[], /^demo: which demo\? the one there is: npm run demo -- concurrency$/],
    [['concurrency', '--fast'], /^demo: unknown option --fast/],
  ])('%j is a one-line usage error, exit code 2', async (args, expected) => {
    const ran = await demo(...args);
    expect(ran.code).toBe(2);
    expect(ran.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(ran.stderr.trimEnd()).toMatch(expected);
  });

  it('--help prints the usage, --version the version', async () => {
    const [help, version] = await Promise.all([demo('--help'), demo('--version')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run demo -- concurrency/);
    expect(version.stdout).toMatch(/^todo-wsgi \d+\.\d+\.\d+/);
  });
});
