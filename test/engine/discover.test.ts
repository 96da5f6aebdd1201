import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { discoverSubmissions, UsageError } from '../../grader/engine/index.ts';

const root = mkdtempSync(join(tmpdir(), 'todo-wsgi-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(path: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), '');
}

test('a class folder: folders and .ts files are submissions, named by the entry', async () => {
  for (const path of ['class/bob/app.ts', 'class/bob/util.ts', 'class/alice.ts', 'class/carol/notes.md', 'class/README.md', 'class/types.d.ts', 'class/.git/x.ts']) touch(path);
  const sources = await discoverSubmissions([join(root, 'class')]);
  expect(sources.map((s) => [s.name, s.sourcePath])).toEqual([
    ['alice', join(root, 'class/alice.ts')],
    ['bob', join(root, 'class/bob')],
    // No app.ts: still a submission, so the student gets a load error rather than silence.
    ['carol', join(root, 'class/carol')],
  ]);
});

test('a path to app.ts means its folder; names are made unique', async () => {
  touch('one/app.ts');
  const sources = await discoverSubmissions([join(root, 'one/app.ts'), join(root, 'one')]);
  expect(sources.map((s) => [s.name, s.sourcePath])).toEqual([['one', join(root, 'one')], ['one (2)', join(root, 'one')]]);
});

test('a missing .ts file is a submission (it will not load); other mistakes are usage errors', async () => {
  expect((await discoverSubmissions([join(root, 'missing.ts')]))[0]?.name).toBe('missing');
  await expect(discoverSubmissions([join(root, 'nowhere')])).rejects.toThrow(UsageError);
  touch('empty/readme.txt');
  await expect(discoverSubmissions([join(root, 'empty')])).rejects.toThrow(/no submissions in/);
  touch('notes.txt');
  await expect(discoverSubmissions([join(root, 'notes.txt')])).rejects.toThrow(/not a submission/);
});
