/**
 * Keeps node:sqlite inside the sandbox.
 *
 * Node's permission model does not gate node:sqlite (checked on 22.23 and
 * 24.22: a process without --allow-fs-write creates a database file anywhere).
 * So before student code runs, the host replaces the module's DatabaseSync and
 * backup() by guarded versions, and syncs the ES module view of the builtin,
 * so `import { DatabaseSync } from 'node:sqlite'` gets the guarded class too:
 *
 *   - a database is ':memory:' or a file inside the folder the grader grants
 *     (environ['todo.database'] lies in it), never elsewhere, never a URI;
 *   - extensions never load (they are native code);
 *   - SQL that names another file (ATTACH, VACUUM INTO, temp_store_directory)
 *     is refused, checked on the SQL text: SQLite has no dynamic SQL, so such
 *     a statement must spell its keyword, and a keyword is never split;
 *   - the real database object never reaches the app (a private field), so
 *     its constructor cannot be taken back from it.
 */
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';

type Sqlite = Record<string, unknown>;
type Db = Record<string, (...args: unknown[]) => unknown>;
type DbClass = new (...args: unknown[]) => Db;

function denied(what: string): Error {
  return Object.assign(new Error(`Access to this API has been restricted: ${what}`), { code: 'ERR_ACCESS_DENIED' });
}

const OTHER_FILE_SQL = /\b(attach|vacuum|temp_store_directory|data_store_directory|load_extension)\b/i;

/** The SQL, when it touches no file but the database's own. */
export function checkSql(sql: unknown): unknown {
  if (typeof sql === 'string' && OTHER_FILE_SQL.test(sql)) {
    const word = OTHER_FILE_SQL.exec(sql)![1]!.toUpperCase();
    throw denied(`node:sqlite refuses ${word} in the grader's sandbox — keep everything in the one database file`);
  }
  return sql;
}

/** The path, when it is ':memory:' or a file inside `dir`. */
export function checkPath(path: unknown, dir: string | undefined): string {
  const where = dir === undefined ? 'this run grants no database folder: use ":memory:"' : `use the file environ['todo.database'] names, inside ${dir}`;
  if (path === ':memory:') return path;
  if (typeof path !== 'string' || path === '' || path.startsWith('file:')) throw denied(`node:sqlite opens only a plain file path or ":memory:" here — ${where}`);
  const full = resolve(path);
  if (dir === undefined || !full.startsWith(dir.endsWith(sep) ? dir : dir + sep)) throw denied(`node:sqlite may not open ${full} — ${where}`);
  return full;
}

/** Methods passed to the real database as they are: none of them names a file or runs SQL text. */
const FORWARDED = [
  'open', 'close', 'function', 'aggregate', 'location', 'createSession', 'applyChangeset',
  'enableDefensive', 'serialize', 'deserialize', 'setAuthorizer',
] as const;

function guardedClass(Original: DbClass, dir: string | undefined): { Guarded: DbClass; unwrap: (db: object) => Db | undefined } {
  const real = new WeakMap<object, Db>();
  const inner = (self: object): Db => {
    const db = real.get(self);
    if (db === undefined) throw new TypeError('not a DatabaseSync');
    return db;
  };
  class DatabaseSync {
    constructor(path: unknown, options?: unknown) {
      const opts = typeof options === 'object' && options !== null ? { ...options, allowExtension: false } : { allowExtension: false };
      real.set(this, new Original(checkPath(path, dir), opts));
    }
    prepare(sql: unknown, ...rest: unknown[]): unknown {
      return inner(this).prepare!(checkSql(sql), ...rest);
    }
    exec(sql: unknown): unknown {
      return inner(this).exec!(checkSql(sql));
    }
    enableLoadExtension(): never {
      throw denied('node:sqlite extensions are native code, which the sandbox does not load');
    }
    loadExtension(): never {
      throw denied('node:sqlite extensions are native code, which the sandbox does not load');
    }
    createTagStore(...args: unknown[]): unknown {
      const store = inner(this).createTagStore!(...args) as Db;
      const run = (name: string) => (strings: TemplateStringsArray, ...values: unknown[]) => {
        checkSql(strings.join(' '));
        return store[name]!(strings, ...values);
      };
      // Not the real store: its `db` would hand back the real database.
      return Object.freeze({ get: run('get'), all: run('all'), iterate: run('iterate'), run: run('run'), clear: () => store.clear!() });
    }
    get isOpen(): unknown {
      return (inner(this) as unknown as { isOpen: unknown }).isOpen;
    }
    get isTransaction(): unknown {
      return (inner(this) as unknown as { isTransaction: unknown }).isTransaction;
    }
    [Symbol.dispose](): void {
      inner(this).close!();
    }
  }
  const proto = DatabaseSync.prototype as unknown as Record<string, unknown>;
  for (const name of FORWARDED) {
    if (typeof (Original.prototype as Record<string, unknown>)[name] !== 'function') continue;
    proto[name] = function (this: object, ...args: unknown[]): unknown {
      return inner(this)[name]!(...args);
    };
  }
  // Not a property of the class: the app must never reach a real database.
  return { Guarded: DatabaseSync as unknown as DbClass, unwrap: (db) => real.get(db) };
}

/**
 * Install the guard, when this Node has node:sqlite at all (22.5+; none on 20).
 * `dir` is the folder the app may keep its database in (realpath), if any.
 */
export function installSqliteGuard(dir: string | undefined): void {
  const sqlite = process.getBuiltinModule?.('node:sqlite') as Sqlite | undefined;
  if (sqlite === undefined || typeof sqlite.DatabaseSync !== 'function') return;
  const Original = sqlite.DatabaseSync as DbClass;
  const { Guarded, unwrap } = guardedClass(Original, dir);
  const replace: Record<string, unknown> = { DatabaseSync: Guarded };
  if (typeof sqlite.backup === 'function') {
    const backup = sqlite.backup as (db: unknown, path: unknown, options?: unknown) => unknown;
    replace.backup = (db: object, path: unknown, options?: unknown) => {
      const source = unwrap(db);
      if (source === undefined) throw new TypeError('backup() takes a DatabaseSync');
      return backup(source, checkPath(path, dir), options);
    };
  }
  for (const [name, value] of Object.entries(replace)) {
    Object.defineProperty(sqlite, name, { value, writable: false, configurable: false, enumerable: true });
  }
  syncBuiltinESMExports();
}
