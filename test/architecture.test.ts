/**
 * The folder tree is the architecture: each layer of grader/ imports only
 * from itself and the layers below it, and no module imports itself back
 * through others (an import cycle). Read from the sources as they are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const GRADER = fileURLToPath(new URL('../grader/', import.meta.url));

/** Bottom to top: a folder may import from its own layer and those before it. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['common'],
  ['wsgi'],
  ['servers'],
  ['results'],
  ['sandbox'],
  ['suite'],
  ['engine', 'similarity'],
  ['reports'],
  ['demo'],
  ['cli'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative module specifiers of `file`: static imports and exports, and dynamic import() of a literal. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)|(?:^|\n)\s*import\s*'(\.[^']+)'/g)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (spec !== undefined) found.add(resolve(dirname(file), spec));
  }
  return [...found];
}

function layerOf(file: string): number {
  const top = relative(GRADER, file).split(sep)[0]!;
  return LAYERS.findIndex((layer) => layer.includes(top));
}

const files = sources(GRADER);
const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => target.startsWith(GRADER))]));
const name = (file: string): string => relative(GRADER, file).split(sep).join('/');

describe('grader/ layering', () => {
  it('puts every top-level folder in a layer', () => {
    const unplaced = [...new Set(files.filter((file) => relative(GRADER, file).includes(sep) && layerOf(file) < 0).map((file) => relative(GRADER, file).split(sep)[0]))];
    expect(unplaced, 'add the folder to LAYERS in test/architecture.test.ts').toEqual([]);
  });

  it('imports only from the same layer or below', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      if (!relative(GRADER, file).includes(sep)) continue;
      for (const target of targets) {
        if (layerOf(target) > layerOf(file)) upward.push(`${name(file)} → ${name(target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps wsgi/ (the contract students read) free of the rest of the grader', () => {
    const outside = [...graph].flatMap(([file, targets]) => (name(file).startsWith('wsgi/') ? targets.filter((t) => !name(t).startsWith('wsgi/')).map((t) => `${name(file)} → ${name(t)}`) : []));
    expect(outside).toEqual([]);
  });

  it('has no import cycle', () => {
    // Tarjan's strongly connected components: any component of two or more modules is a cycle.
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[] = [];
    const visit = (file: string): void => {
      indices.set(file, index);
      low.set(file, index++);
      stack.push(file);
      onStack.add(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (!indices.has(target)) {
          visit(target);
          low.set(file, Math.min(low.get(file)!, low.get(target)!));
        } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, indices.get(target)!));
      }
      if (low.get(file) !== indices.get(file)) return;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(name(member));
      } while (member !== file);
      if (component.length > 1) cycles.push(component.sort().join(' ↔ '));
    };
    for (const file of graph.keys()) if (!indices.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('sees the imports it checks (a module the reader parses)', () => {
    // Guards the reader itself: these imports exist, so a regression in the pattern would show here.
    expect(graph.get(join(GRADER, 'servers', 'index.ts'))).toContain(join(GRADER, 'servers', 'simple', 'server.ts'));
  });
});
