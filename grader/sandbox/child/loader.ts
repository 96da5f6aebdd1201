/**
 * Loads (and reloads) the student's bundle. Each load imports the bundle under
 * a new URL (`?gen=n`) so the module is evaluated anew: a fresh app has fresh
 * module-level state, which is what fresh() promises.
 */
import { pathToFileURL } from 'node:url';
import type { Application } from '../../wsgi/types.ts';
import { describeError } from './describe-error.ts';

export type LoadResult = { ok: true; app: Application } | { ok: false; message: string };

const EXPORT_HINT = 'export function application(environ, startResponse) { … }';

/** Why the module's exports are not a usable app, or undefined when `application` is a function. */
export function exportProblem(exports: Record<string, unknown>, entryName: string): string | undefined {
  const app = exports.application;
  if (typeof app === 'function') return undefined;
  if (app !== undefined) {
    return `\`application\` in ${entryName} is ${app === null ? 'null' : `a ${typeof app}`}, not a function — ${EXPORT_HINT}`;
  }
  const fallback = exports.default;
  if (typeof fallback === 'function') {
    return `${entryName} has only a default export — the grader looks for a named export: ${EXPORT_HINT}`;
  }
  if (typeof fallback === 'object' && fallback !== null && typeof (fallback as Record<string, unknown>).application === 'function') {
    return `${entryName} default-exports an object holding application — export the function itself: ${EXPORT_HINT}`;
  }
  return `no \`application\` export in ${entryName} — ${EXPORT_HINT}`;
}

export class AppLoader {
  private generation = 0;
  private readonly url: string;

  constructor(
    bundlePath: string,
    private readonly entryName: string,
    private readonly sourceDir: string,
  ) {
    this.url = pathToFileURL(bundlePath).href;
  }

  async load(): Promise<LoadResult> {
    const gen = this.generation++;
    let exports: Record<string, unknown>;
    try {
      exports = (await import(`${this.url}?gen=${gen}`)) as Record<string, unknown>;
    } catch (error) {
      return { ok: false, message: `${this.entryName} threw while loading: ${describeError(error, this.sourceDir)}` };
    }
    const problem = exportProblem(exports, this.entryName);
    if (problem !== undefined) return { ok: false, message: problem };
    return { ok: true, app: exports.application as Application };
  }
}
