import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META_FILE, bundleSubmission, prepareSubmission } from '../../grader/sandbox/prepare.ts';
import { PROJECT_DIR, TYPES, removeTemps, sourceString, tempDir, writeFiles } from './helpers.ts';

let src: string;
let out: string;

const APP = `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode('hello')];
}
`;

async function loadError(path: string): Promise<string> {
  const result = await prepareSubmission(path, out);
  if (result.ok) throw new Error(`expected a load error for ${path}`);
  expect(result.loadError).not.toContain('\n');
  return result.loadError;
}

beforeAll(() => {
  src = tempDir();
  out = join(tempDir(), 'work');
});
afterAll(removeTemps);

describe('prepareSubmission', () => {
  it('bundles a folder holding app.ts into <workDir>/<name>/app.cjs, a factory of app instances', async () => {
    const dir = writeFiles(join(src, 'alice'), { 'app.ts': APP });
    const result = await prepareSubmission(dir, out);
    expect(result).toEqual({ ok: true, name: 'alice', sourcePath: dir, sourceDir: dir, bundlePath: join(out, 'alice', 'app.cjs') });
    const code = readFileSync(join(out, 'alice', 'app.cjs'), 'utf8');
    expect(code.startsWith('module.exports = function create(exports, require, module, __filename, __dirname) {"use strict";\n')).toBe(true);
    expect(code).toContain('module.exports = __toCommonJS(');
    // Inline source map, carrying the student's source: stack traces show app.ts:line.
    expect(code).toMatch(/\/\/# sourceMappingURL=data:application\/json;base64,/);
    expect(JSON.parse(readFileSync(join(out, 'alice', META_FILE), 'utf8'))).toEqual({ name: 'alice', entryName: 'app.ts', readPath: dir });
  });

  it('bundles a single .ts file, named without .ts', async () => {
    const file = join(writeFiles(join(src, 'files'), { 'bob.ts': APP }), 'bob.ts');
    const result = await prepareSubmission(file, out);
    expect(result).toMatchObject({ ok: true, name: 'bob', sourcePath: file, sourceDir: join(src, 'files') });
    expect(result.ok && result.bundlePath).toBe(join(out, 'bob.ts', 'app.cjs'));
  });

  it('bundles multi-file submissions, keeps node builtins external, erases type-only imports', async () => {
    const dir = writeFiles(join(src, 'multi'), {
      'app.ts': `import { greet } from './lib/greet.ts';\nimport { hostname } from 'os';\nimport { join } from 'node:path';\nimport type { Environ } from ${sourceString(join(PROJECT_DIR, 'grader', 'wsgi', 'types.ts'))};\nexport function application(e: Environ) { return [greet(join('a', typeof hostname))]; }\n`,
      'lib/greet.ts': `import data from './data.json';\nexport const greet = (name: string) => new TextEncoder().encode(data.greeting + name);\n`,
      'lib/data.json': '{ "greeting": "hi " }',
    });
    const { prepared, inputs } = await bundleSubmission(dir, out);
    expect(prepared.ok).toBe(true);
    expect(inputs.sort()).toEqual([join(dir, 'app.ts'), join(dir, 'lib', 'data.json'), join(dir, 'lib', 'greet.ts')]);
    const code = readFileSync(join(out, 'multi', 'app.cjs'), 'utf8');
    expect(code).toContain('require("node:os")');
    expect(code).toContain('require("node:path")');
    expect(code).not.toContain('grader/wsgi/types');
  });

  it('bundles code that needs an ES module (top-level await, import.meta) as app.mjs', async () => {
    for (const [name, line] of [['tla', 'await Promise.resolve();'], ['meta', 'export const here = import.meta.url;']] as const) {
      const dir = writeFiles(join(src, name), { 'app.ts': `${APP}${line}\n` });
      const result = await prepareSubmission(dir, out);
      expect(result.ok && result.bundlePath).toBe(join(out, name, 'app.mjs'));
      expect(readFileSync(join(out, name, 'app.mjs'), 'utf8')).toContain('export {\n  application');
      expect(existsSync(join(out, name, 'app.cjs'))).toBe(false);
    }
  });

  it('ignores a tsconfig.json in the submission', async () => {
    const dir = writeFiles(join(src, 'tsconfig'), {
      'app.ts': `import { Environ } from './types.ts';\nexport function application(e: Environ) { return []; }\n`,
      'types.ts': 'export type Environ = Record<string, unknown>;\n',
      'tsconfig.json': '{ "compilerOptions": { "verbatimModuleSyntax": true } }',
    });
    const { inputs } = await bundleSubmission(dir, out);
    expect(inputs).toEqual([join(dir, 'app.ts')]);
  });

  it('gives sanitised names their own folder', async () => {
    const dir = writeFiles(join(src, 'carol smith (2)'), { 'app.ts': APP });
    const result = await prepareSubmission(dir, out);
    expect(result).toMatchObject({ ok: true, name: 'carol smith (2)' });
    // Separators are the platform's: either kind.
    expect(result.ok && result.bundlePath).toMatch(/[\\/]carol_smith__2_-[0-9a-f]{8}[\\/]app\.cjs$/);
  });
});

describe('load errors, one line each', () => {
  it('a missing path', async () => {
    expect(await loadError(join(src, 'nobody'))).toBe(`no such file or folder: ${join(src, 'nobody')}`);
  });

  it('a folder without app.ts', async () => {
    const dir = writeFiles(join(src, 'empty'), { 'main.ts': APP });
    expect(await loadError(dir)).toBe(`no app.ts in ${dir}`);
  });

  it('a file that is not .ts', async () => {
    const file = join(writeFiles(join(src, 'js'), { 'app.js': 'export function application() {}' }), 'app.js');
    expect(await loadError(file)).toBe(`${file} is not a .ts file — a submission is a .ts file or a folder holding app.ts`);
  });

  it('a syntax error, with file:line:col', async () => {
    const dir = writeFiles(join(src, 'syntax'), { 'app.ts': 'export function application() {\n  const x = ;\n}\n' });
    expect(await loadError(dir)).toBe('app.ts:2:13: Unexpected ";"');
    expect(existsSync(join(out, 'syntax'))).toBe(false);
  });

  it('a syntax error in another file of the submission', async () => {
    const dir = writeFiles(join(src, 'syntax2'), {
      'app.ts': "import { x } from './lib/x.ts';\nexport const application = x;\n",
      'lib/x.ts': 'export const x = (;\n',
    });
    expect(await loadError(dir)).toMatch(/^lib\/x\.ts:1:19: /);
  });

  it('an import reaching outside the folder (the grader\'s tests, say)', async () => {
    const suite = join(PROJECT_DIR, 'grader', 'suite', 'define.ts');
    const dir = writeFiles(join(src, 'outside'), { 'app.ts': `import * as tests from ${sourceString(suite)};\nexport const application = tests;\n` });
    expect(await loadError(dir)).toBe(
      `app.ts:1:24: import "${suite}" reaches outside the submission's folder — keep every file the app imports inside it`,
    );
  });

  it('a relative import climbing out of the folder', async () => {
    writeFiles(src, { 'shared.ts': 'export const x = 1;\n' });
    const dir = writeFiles(join(src, 'climber'), { 'app.ts': "import { x } from '../shared.ts';\nexport const application = x;\n" });
    expect(await loadError(dir)).toMatch(/^app\.ts:1:19: import "\.\.\/shared\.ts" reaches outside the submission's folder/);
  });

  it('a single-file submission importing a neighbour', async () => {
    const dir = writeFiles(join(src, 'single'), { 'dave.ts': "import { x } from './erin.ts';\nexport const application = x;\n", 'erin.ts': 'export const x = 1;\n' });
    expect(await loadError(join(dir, 'dave.ts'))).toBe(
      'dave.ts:1:19: import "./erin.ts" needs another file, but this submission is a single file — submit a folder with app.ts and its modules',
    );
  });

  it('an unresolved import', async () => {
    const dir = writeFiles(join(src, 'unresolved'), { 'app.ts': "import { store } from './store.ts';\nexport const application = store;\n" });
    expect(await loadError(dir)).toBe('app.ts:1:23: Could not resolve "./store.ts"');
  });

  it('a package that is not there', async () => {
    const dir = writeFiles(join(src, 'package'), { 'app.ts': "import express from 'express-not-installed';\nexport const application = express;\n" });
    expect(await loadError(dir)).toMatch(/^app\.ts:1:21: Could not resolve "express-not-installed"/);
  });

  it('a symbolic link pointing outside the folder', async () => {
    const dir = writeFiles(join(src, 'linker'), { 'app.ts': APP });
    // A file of the machine's, outside the submission (a temporary one: the same on every platform).
    const outside = join(tempDir(), 'hostname');
    writeFileSync(outside, 'grader-host\n');
    symlinkSync(outside, join(dir, 'hostname'));
    expect(await loadError(dir)).toBe('hostname is a symbolic link to a place outside the submission — copy the file in instead');
  });
});
