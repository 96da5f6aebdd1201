/**
 * Loads (and reloads) the student's bundle; each load is a new instance with
 * fresh module-level state, which is what fresh() promises. A factory bundle
 * (app.cjs) is compiled once and its function called per instance; an ES
 * module bundle (app.mjs) is imported under a new URL (`?gen=n`) each time.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
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

/** A factory bundle's export: runs the app module's top level anew, returns its exports. */
type Factory = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => unknown;

export class AppLoader {
  private generation = 0;
  private readonly url: string;
  private factory: { create: Factory; require: NodeJS.Require } | undefined;

  constructor(
    private readonly bundlePath: string,
    private readonly entryName: string,
    private readonly sourceDir: string,
  ) {
    this.url = pathToFileURL(bundlePath).href;
  }

  /** A new instance of the app, with its own module-level state. */
  async load(): Promise<LoadResult> {
    let exports: Record<string, unknown>;
    try {
      exports = this.bundlePath.endsWith('.cjs') ? this.create() : await this.importAnew();
    } catch (error) {
      return { ok: false, message: `${this.entryName} threw while loading: ${describeError(error, this.sourceDir)}` };
    }
    const problem = exportProblem(exports, this.entryName);
    if (problem !== undefined) return { ok: false, message: problem };
    return { ok: true, app: exports.application as Application };
  }

  /** Compiled once (require), run once per instance. */
  private create(): Record<string, unknown> {
    if (this.factory === undefined) {
      const require = createRequire(this.bundlePath);
      this.factory = { create: require(this.bundlePath) as Factory, require };
    }
    const module = { exports: {} };
    // Called without a receiver: `this` at the top level is undefined, as in an ES module.
    return this.factory.create.call(undefined, module.exports, this.factory.require, module, this.bundlePath, dirname(this.bundlePath)) as Record<string, unknown>;
  }

  /** An ES module is evaluated once per URL: each instance gets a URL of its own (`?gen=n`). */
  private async importAnew(): Promise<Record<string, unknown>> {
    return (await import(`${this.url}?gen=${this.generation++}`)) as Record<string, unknown>;
  }
}
