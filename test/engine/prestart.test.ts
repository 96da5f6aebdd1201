// The runner started before tsx (grader/cli/prestart.mjs, preloaded by `npm run grade`) and its
// adoption by the session (grader/engine/runner/prestarted.ts), with real runner processes.
import { spawnSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../grader/engine/options.ts';
import { runnerBundle } from '../../grader/engine/runner/bundle.ts';
import { RunnerSession } from '../../grader/engine/runner/session.ts';
import { runnerSettings } from '../../grader/engine/runner/settings.ts';

const PRESTART = new URL('../../grader/cli/prestart.mjs', import.meta.url).href;
const KEY = Symbol.for('todo-wsgi.prestarted-runner');
const store = globalThis as unknown as Record<symbol, { child: ChildProcess; bundle: string; hello: boolean } | undefined>;
const sessions: RunnerSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) await session.close();
  store[KEY]?.child.kill();
  delete store[KEY];
});

function session(): RunnerSession {
  const started = new RunnerSession(runnerSettings(resolveOptions({ jobs: 1 })));
  sessions.push(started);
  return started;
}

describe('a prestarted runner', () => {
  it('is adopted when it runs the bundle of the current sources', async () => {
    await runnerBundle(); // names the current bundle in runner-latest
    await import(/* @vite-ignore */ `${PRESTART}?${Date.now()}`);
    const early = store[KEY];
    expect(early?.bundle).toBe(await runnerBundle());
    const adopted = session();
    expect(await adopted.run([], () => undefined)).toEqual([]);
    expect(adopted.pid).toBe(early?.child.pid);
    expect(store[KEY]).toBeUndefined();
  });

  it('is stopped, and another started, when it runs other sources', async () => {
    const stale = fork(await runnerBundle(), [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    store[KEY] = { child: stale, bundle: '/elsewhere/runner-0000.mjs', hello: false };
    const gone = once(stale, 'exit');
    const own = session();
    expect(await own.run([], () => undefined)).toEqual([]);
    expect(own.pid).not.toBe(stale.pid);
    await gone;
  });
});

describe('npm run grade, as README gives it', () => {
  it('answers --help at once and grades with the runner it started first', () => {
    const help = spawnSync('npm', ['run', '--silent', 'grade', '--', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Grade WSGI to-do apps/);
    const graded = spawnSync('npm', ['run', '--silent', 'grade', '--', 'solution/app.ts', '--tier', 'core'], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' },
    });
    expect(graded.stderr).toBe('');
    expect(graded.status).toBe(0);
    expect(graded.stdout).toMatch(/total +60 \/ 60/);
  }, 150_000);
});
