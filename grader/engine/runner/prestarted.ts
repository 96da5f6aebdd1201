/**
 * A runner started before the grader's own code loaded: `npm run grade`
 * (grader/cli/grade.mjs) first imports grader/cli/prestart.mjs, which forks
 * the runner bundle used last time (vitest is the slowest thing to load).
 * The session adopts it when it is the bundle of the current sources, and
 * otherwise stops it and forks its own.
 */
import type { ChildProcess } from 'node:child_process';

/** Where prestart.mjs leaves it (a global: the two share a process, not a module graph). */
const KEY = Symbol.for('todo-wsgi.prestarted-runner');

/** What prestart.mjs leaves under KEY. */
interface Prestarted {
  child: ChildProcess;
  /** The bundle it runs. */
  bundle: string;
  /** True once it said hello (it then listens for its settings). */
  hello: boolean;
}

export interface Adopted {
  child: ChildProcess;
  /** It said hello before it was adopted. */
  hello: boolean;
}

function isPrestarted(value: unknown): value is Prestarted {
  const early = value as Partial<Prestarted> | undefined;
  return typeof early?.bundle === 'string' && typeof early.child?.send === 'function';
}

/** The prestarted runner, if it runs `bundle` and is still up; any other is stopped. Taken once. */
export function takePrestarted(bundle: string): Adopted | undefined {
  const store = globalThis as unknown as Record<symbol, unknown>;
  const early = store[KEY];
  delete store[KEY];
  if (!isPrestarted(early)) return undefined;
  const { child } = early;
  if (early.bundle !== bundle || !child.connected || child.exitCode !== null || child.signalCode !== null) {
    child.kill();
    return undefined;
  }
  // prestart.mjs let it go (so --help exits at once); the session holds it from now on.
  child.ref();
  (child.channel as { ref?: () => void } | undefined)?.ref?.();
  return { child, hello: early.hello };
}
