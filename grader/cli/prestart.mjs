// Imported first by `npm run grade` (grader/cli/grade.mjs): starts the runner process (vitest, the
// slowest thing to load) at once instead of after the grader's own bundle has loaded. Plain
// JavaScript, as nothing can load TypeScript yet.
//
// It forks the runner bundle named in node_modules/.cache/todo-wsgi/runner-latest (written by
// grader/engine/runner/bundle.ts) and leaves it for grader/engine/runner/prestarted.ts, which adopts
// it if it is the bundle of the current sources and stops it otherwise. Until then it holds
// nothing open: `--help` exits at once, and the runner exits when its parent is gone.
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, PROJECT_DIR as ROOT } from '../sandbox/bundle-cache.mjs';

function latestBundle() {
  try {
    const name = readFileSync(join(cacheDir(), 'runner-latest'), 'utf8').trim();
    const path = join(cacheDir(), name);
    return /^runner-[0-9a-f]+\.mjs$/.test(name) && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const bundle = latestBundle();
if (bundle !== undefined) {
  try {
    // The same options as session.ts uses.
    const child = fork(bundle, [], { cwd: ROOT, execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const early = { child, bundle, hello: false };
    child.on('message', (message) => {
      if (message?.type === 'hello') early.hello = true;
    });
    child.on('error', () => undefined);
    child.unref();
    child.channel?.unref();
    child.stderr?.unref();
    globalThis[Symbol.for('todo-wsgi.prestarted-runner')] = early;
  } catch {
    // The grader starts its own runner.
  }
}
