/**
 * Start a submission's app on any server: one sandboxed process for simple
 * and socket, a master with sandboxed workers for prefork. serve, the engine
 * and the demo all start apps here.
 */
import { join } from 'node:path';
import { DATABASE_KEY } from '../servers/names.ts';
import { startAppProcess, type AppProcessHandle } from './app-process.ts';
import { startPreforkProcess, type PreforkOptions } from './prefork-process.ts';

export interface StartOptions extends PreforkOptions {
  /**
   * prefork: the folder its workers share for Level 4's database — their one
   * write grant; environ['todo.database'] names the file in it.
   */
  dataDir?: string;
}

/** The database file in a prefork pool's data folder. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'todo.sqlite');
}

/** Resolves once the app serves; rejects with an AppStartError when it cannot start. */
export function startApp(options: StartOptions): Promise<AppProcessHandle> {
  const { dataDir, ...rest } = options;
  if (rest.server !== 'prefork') return startAppProcess(rest);
  if (dataDir === undefined) return startPreforkProcess(rest);
  return startPreforkProcess({ ...rest, writableDir: dataDir, environ: { ...rest.environ, [DATABASE_KEY]: databasePath(dataDir) } });
}
