/**
 * To-dos in a SQLite database file (Level 4): every process running the app
 * sees the same to-dos, and they outlive any one process. This is what lets
 * "any server in a cluster handle any request" (REST's statelessness: the
 * state lives in the database, not in the process that served the last
 * request).
 *
 * node:sqlite is built into Node 22.13+ and 24; it is taken with
 * process.getBuiltinModule() rather than imported, so the app still loads on
 * a Node without it (and keeps to memory there).
 */
import type { Todo, TodoFields, TodoStore } from './todos.ts';

/** The part of node:sqlite this store uses (Node's own types may be older than the module). */
interface Statement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
}
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
}
interface Sqlite {
  DatabaseSync: new (path: string) => Database;
}

interface Row {
  id: number;
  title: string;
  done: number;
}

function toTodo(row: Row): Todo {
  return { id: row.id, title: row.title, done: row.done !== 0 };
}

/** node:sqlite, or undefined on a Node that doesn't have it. */
export function sqliteModule(): Sqlite | undefined {
  return process.getBuiltinModule('node:sqlite') as Sqlite | undefined;
}

export class SqliteStore implements TodoStore {
  private readonly statements: Record<'list' | 'get' | 'create' | 'replace' | 'delete', Statement>;

  constructor(sqlite: Sqlite, path: string) {
    const db = new sqlite.DatabaseSync(path);
    // Several processes share the file: wait for another's write instead of failing at once.
    db.exec('PRAGMA busy_timeout = 5000');
    // AUTOINCREMENT: SQLite never hands out an id again, not even the last deleted one.
    db.exec(`CREATE TABLE IF NOT EXISTS todos (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      title TEXT NOT NULL,
      done INTEGER NOT NULL
    )`);
    this.statements = {
      list: db.prepare('SELECT id, title, done FROM todos ORDER BY id'),
      get: db.prepare('SELECT id, title, done FROM todos WHERE id = ?'),
      create: db.prepare('INSERT INTO todos (title, done) VALUES (?, ?)'),
      replace: db.prepare('UPDATE todos SET title = ?, done = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM todos WHERE id = ?'),
    };
  }

  list(): Todo[] {
    return (this.statements.list.all() as Row[]).map(toTodo);
  }

  get(id: number): Todo | undefined {
    const row = this.statements.get.get(id) as Row | undefined;
    return row === undefined ? undefined : toTodo(row);
  }

  create(fields: TodoFields): Todo {
    const { lastInsertRowid } = this.statements.create.run(fields.title, fields.done ? 1 : 0);
    return { id: Number(lastInsertRowid), ...fields };
  }

  replace(id: number, fields: TodoFields): Todo {
    this.statements.replace.run(fields.title, fields.done ? 1 : 0, id);
    return { id, ...fields };
  }

  delete(id: number): void {
    this.statements.delete.run(id);
  }
}
