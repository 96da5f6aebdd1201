// --typecheck's checker, with the real TypeScript compiler on files written here
// (a type error kept in the repository would break the project's own typecheck).
import { copyFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeChecker } from '../../grader/sandbox/typecheck.ts';
import { PROJECT_DIR, TYPES, removeTemps, tempDir, writeFiles } from './helpers.ts';

let checker: TypeChecker;
let src: string;

const GOOD = `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(String(environ.PATH_INFO))];
}
`;

beforeAll(async () => {
  checker = await TypeChecker.create();
  src = tempDir();
}, 30_000);
afterAll(removeTemps);

describe('TypeChecker', () => {
  it('passes the solution and the starter, in the kit and copied elsewhere as a class would hold them', () => {
    expect(checker.check(join(PROJECT_DIR, 'solution'))).toBeUndefined();
    expect(checker.check(join(PROJECT_DIR, 'starter', 'app.ts'))).toBeUndefined();
    // Their `import type … from '../grader/wsgi/types.ts'` points nowhere there: the kit's types stand in.
    cpSync(join(PROJECT_DIR, 'solution'), join(src, 'class', 'alice'), { recursive: true });
    copyFileSync(join(PROJECT_DIR, 'starter', 'app.ts'), join(src, 'class', 'bob.ts'));
    expect(checker.check(join(src, 'class', 'alice'))).toBeUndefined();
    expect(checker.check(join(src, 'class', 'bob.ts'))).toBeUndefined();
  });

  it('types HTTP_* keys as string | undefined: a student reads a header without a cast', () => {
    const reads = `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  const etag: string | undefined = environ.HTTP_IF_NONE_MATCH;
  const host: string = environ.HTTP_HOST ?? 'localhost';
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(host + (etag?.trim() ?? ''))];
}
`;
    const misread = reads.replace("const host: string = environ.HTTP_HOST ?? 'localhost';", 'const host: number = environ.HTTP_HOST;');
    const dir = writeFiles(join(src, 'headers'), { 'reads.ts': reads, 'misread.ts': misread });
    expect(checker.check(join(dir, 'reads.ts'))).toBeUndefined();
    expect(checker.check(join(dir, 'misread.ts'))).toMatch(/^misread\.ts:\d+:\d+: type error TS2322: Type 'string \| undefined' is not assignable to type 'number'/);
  });

  it('names the first type error by file:line:col and code, and counts the others', () => {
    const dir = writeFiles(join(src, 'wrong'), {
      'app.ts': GOOD.replace("startResponse('200 OK',", "const n: number = 'one';\n  startResponse(200,"),
    });
    expect(checker.check(dir)).toBe(
      "app.ts:3:9: type error TS2322: Type 'string' is not assignable to type 'number'. (and 1 more)",
    );
  });

  it('finds errors in the files app.ts imports, named relative to the submission', () => {
    const dir = writeFiles(join(src, 'multi'), {
      'app.ts': `import { body } from './lib/body.ts';\n${GOOD.replace('[new TextEncoder().encode(String(environ.PATH_INFO))]', '[body()]')}`,
      'lib/body.ts': "export function body(): Uint8Array {\n  return 'text';\n}\n",
    });
    expect(checker.check(dir)).toMatch(/^lib\/body\.ts:2:3: type error TS2322: Type 'string' is not assignable to type 'Uint8Array/);
  });

  it('checks as the bundler runs the code: top-level await and import.meta are fine in any folder', () => {
    const dir = writeFiles(join(src, 'module'), { 'app.ts': `${GOOD}await Promise.resolve();\nexport const here: string = import.meta.url;\n` });
    expect(checker.check(dir)).toBeUndefined();
  });

  it('leaves syntax errors and missing files to bundling, which reports them already', () => {
    const dir = writeFiles(join(src, 'syntax'), { 'app.ts': 'export function application( {\n' });
    expect(checker.check(dir)).toBeUndefined();
    expect(checker.check(join(src, 'no-such-folder'))).toBeUndefined();
    expect(checker.check(writeFiles(join(src, 'no-app'), { 'other.ts': GOOD }))).toBeUndefined();
  });
});
