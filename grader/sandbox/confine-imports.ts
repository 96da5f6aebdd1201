/**
 * An esbuild plugin keeping a submission's imports inside its own folder, so
 * a submission cannot bundle the grader's (hidden) tests or solution into
 * itself. node: builtins stay external; type-only imports never get here
 * (esbuild erases them before resolving).
 */
import { isBuiltin } from 'node:module';
import { relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/** Where imports may go: anywhere inside `dir`, or (single-file submissions) only `file` itself. */
export type Confinement = { kind: 'dir'; dir: string } | { kind: 'file'; file: string };

export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

function allowed(confinement: Confinement, path: string): boolean {
  return confinement.kind === 'dir' ? isInside(confinement.dir, path) : path === confinement.file;
}

function refusal(confinement: Confinement, spec: string): string {
  return confinement.kind === 'dir'
    ? `import "${spec}" reaches outside the submission's folder — keep every file the app imports inside it`
    : `import "${spec}" needs another file, but this submission is a single file — submit a folder with app.ts and its modules`;
}

export function confineImports(confinement: Confinement): Plugin {
  return {
    name: 'confine-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'confined') return undefined;
        if (isBuiltin(args.path)) {
          return { path: args.path.startsWith('node:') ? args.path : `node:${args.path}`, external: true };
        }
        const result = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'confined',
        });
        if (result.errors.length > 0) return { errors: result.errors };
        if (result.external || !allowed(confinement, result.path)) {
          return { errors: [{ text: refusal(confinement, args.path) }] };
        }
        return { path: result.path, namespace: result.namespace, sideEffects: result.sideEffects, suffix: result.suffix };
      });
    },
  };
}
