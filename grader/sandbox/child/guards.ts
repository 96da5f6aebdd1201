/**
 * Guards installed before any student code runs.
 *
 * Node's permission model does not cover signals: process.kill(pid) could
 * end the grader or another student's app process. The host replaces
 * process.kill (and the internal process._kill it calls) by versions that
 * only let the process signal itself; both are made non-configurable so the
 * app cannot put the originals back (process.binding, the other way to reach
 * them, is denied by the permission model).
 *
 * It also tells the parent when the app calls process.exit() or dies of an
 * uncaught error, so the exit reason can say so.
 */
import { describeError } from './describe-error.ts';

type Notify = (message: { t: 'fatal'; message: string } | { t: 'exit-called'; code: string }) => void;
type KillFn = (pid: number, signal?: string | number) => boolean;

function denied(): Error {
  return Object.assign(new Error('the app may only signal its own process (process.kill is limited by the grader)'), {
    code: 'ERR_ACCESS_DENIED',
  });
}

function lockDown(name: string, value: unknown): void {
  Object.defineProperty(process, name, { value, writable: false, configurable: false, enumerable: false });
}

export function installGuards(notify: Notify, sourceDir: string): void {
  const target = process as unknown as Record<string, unknown>;
  const kill = process.kill.bind(process) as KillFn;
  const rawKill = typeof target._kill === 'function' ? (target._kill as KillFn).bind(process) : undefined;

  lockDown('kill', function guardedKill(pid: number, signal?: string | number): boolean {
    if (Number(pid) !== process.pid) throw denied();
    return kill(pid, signal);
  });
  if (rawKill !== undefined) {
    lockDown('_kill', function guardedRawKill(pid: number, signal?: string | number): boolean {
      if (Number(pid) !== process.pid) throw denied();
      return rawKill(pid, signal);
    });
  }

  const exit = process.exit.bind(process);
  process.exit = function exitCalled(code?: number | string | null): never {
    notify({ t: 'exit-called', code: String(code ?? process.exitCode ?? 0) });
    return exit(code);
  } as typeof process.exit;

  // A monitor observes without changing Node's behaviour (the process still dies).
  process.on('uncaughtExceptionMonitor', (error) => {
    notify({ t: 'fatal', message: describeError(error, sourceDir) });
  });
}
