// Preloaded by `npm run grade` before tsx (`node --import ./grader/cli/prestart.mjs --import tsx …`):
// starts the runner process (vitest, the slowest thing to load) at once instead of after tsx has
// started (~150 ms later). Plain JavaScript, as nothing can load TypeScript yet.
//
// It forks the runner bundle named in node_modules/.cache/todo-wsgi/runner-latest (written by
// grader/engine/runner/bundle.ts) and leaves it for grader/engine/runner/prestarted.ts, which adopts
// it if it is the bundle of the current sources and stops it otherwise. Until then it holds
// nothing open: `--help` exits at once, and the runner exits when its parent is gone.
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'todo-wsgi');

function latestBundle() {
  try {
    const name = readFileSync(join(CACHE_DIR, 'runner-latest'), 'utf8').trim();
    const path = join(CACHE_DIR, name);
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
