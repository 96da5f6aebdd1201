/**
 * The node:sqlite guard's rules on their own; hostile.test.ts proves them in a
 * sandboxed app process.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPath, checkSql } from '../../grader/sandbox/child/sqlite-guard.ts';

const DIR = resolve('/srv/grading/db');

describe('checkPath', () => {
  it('allows :memory: always, and a file inside the granted folder', () => {
    expect(checkPath(':memory:', undefined)).toBe(':memory:');
    expect(checkPath(join(DIR, 'todo.sqlite'), DIR)).toBe(join(DIR, 'todo.sqlite'));
  });

  it('refuses a file anywhere else, a folder that only shares a prefix, and any file when none is granted', () => {
    expect(() => checkPath('/tmp/x.sqlite', DIR)).toThrow(/may not open \/tmp\/x\.sqlite — use the file environ\['todo\.database'\] names/);
    expect(() => checkPath(`${DIR}-other/x.sqlite`, DIR)).toThrow(/may not open/);
    expect(() => checkPath(join(DIR, '..', 'x.sqlite'), DIR)).toThrow(/may not open/);
    expect(() => checkPath(join(DIR, 'todo.sqlite'), undefined)).toThrow(/grants no database folder: use ":memory:"/);
  });

  it('refuses URIs, buffers and the anonymous temporary database', () => {
    for (const path of [`file:${DIR}/todo.sqlite`, Buffer.from('x'), new URL(`file://${DIR}/todo.sqlite`), '']) {
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
    expect(() => checkSql("attach database '/tmp/x' as x")).toThrow(/refuses ATTACH/);
    expect(() => checkSql("VACUUM INTO '/tmp/x'")).toThrow(/refuses VACUUM/);
    expect(() => checkSql("PRAGMA temp_store_directory = '/tmp'")).toThrow(/refuses TEMP_STORE_DIRECTORY/);
    expect(() => checkSql("SELECT load_extension('/tmp/x.so')")).toThrow(/refuses LOAD_EXTENSION/);
  });
});
