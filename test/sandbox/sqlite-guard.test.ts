/**
 * The node:sqlite guard's rules on their own; hostile.test.ts proves them in a
 * sandboxed app process.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPath, checkSql } from '../../grader/sandbox/child/sqlite-guard.ts';

const DIR = resolve(tmpdir(), 'grading', 'db');
/** A file outside DIR. */
const OUTSIDE = join(tmpdir(), 'x.sqlite');
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A path inside an SQL string literal, quotes doubled. */
const sqlString = (path: string): string => `'${path.replace(/'/g, "''")}'`;

describe('checkPath', () => {
  it('allows :memory: always, and a file inside the granted folder', () => {
    expect(checkPath(':memory:', undefined)).toBe(':memory:');
    expect(checkPath(join(DIR, 'todo.sqlite'), DIR)).toBe(join(DIR, 'todo.sqlite'));
  });

  it('refuses a file anywhere else, a folder that only shares a prefix, and any file when none is granted', () => {
    expect(() => checkPath(OUTSIDE, DIR)).toThrow(new RegExp(`may not open ${escaped(OUTSIDE)} — use the file environ\\['todo\\.database'\\] names`));
    expect(() => checkPath(`${DIR}-other/x.sqlite`, DIR)).toThrow(/may not open/);
    expect(() => checkPath(join(DIR, '..', 'x.sqlite'), DIR)).toThrow(/may not open/);
    expect(() => checkPath(join(DIR, 'todo.sqlite'), undefined)).toThrow(/grants no database folder: use ":memory:"/);
  });

  it('refuses URIs, buffers and the anonymous temporary database', () => {
    const url = pathToFileURL(join(DIR, 'todo.sqlite'));
    for (const path of [url.href, Buffer.from('x'), url, '']) {
      expect(() => checkPath(path, DIR)).toThrow(/Access to this API has been restricted: node:sqlite opens only a plain file path/);
    }
  });
});

describe('checkSql', () => {
  it('passes ordinary statements', () => {
    const sql = 'CREATE TABLE IF NOT EXISTS todos (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, done INTEGER)';
    expect(checkSql(sql)).toBe(sql);
  });

  it('refuses statements that name another file', () => {
    expect(() => checkSql(`attach database ${sqlString(OUTSIDE)} as x`)).toThrow(/refuses ATTACH/);
    expect(() => checkSql(`VACUUM INTO ${sqlString(OUTSIDE)}`)).toThrow(/refuses VACUUM/);
    expect(() => checkSql(`PRAGMA temp_store_directory = ${sqlString(tmpdir())}`)).toThrow(/refuses TEMP_STORE_DIRECTORY/);
    expect(() => checkSql(`SELECT load_extension(${sqlString(join(tmpdir(), 'x.so'))})`)).toThrow(/refuses LOAD_EXTENSION/);
  });
});
