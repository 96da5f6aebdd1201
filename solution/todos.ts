/**
 * The to-dos themselves, and the two places the app can keep them: in memory
 * (here), or in a SQLite database (sqlite-store.ts) when the server names one.
 *
 * The store knows nothing about HTTP: the handlers in routes.ts translate
 * requests into these calls and the results into responses.
 */

export interface Todo {
  readonly id: number;
  readonly title: string;
  readonly done: boolean;
}

/** What a client may set: everything but the id, which the server assigns. */
export type TodoFields = Omit<Todo, 'id'>;

/** What the handlers need of a store, wherever it keeps the to-dos. */
export interface TodoStore {
  /** Every to-do, in creation order. */
  list(): Todo[];
  get(id: number): Todo | undefined;
  /** A new to-do with an id never handed out before, not even to a deleted one. */
  create(fields: TodoFields): Todo;
  /** Replace every field of an existing to-do; it keeps its place in the order. */
  replace(id: number, fields: TodoFields): Todo;
  delete(id: number): void;
}

/**
 * To-dos in this process's memory: fine for one process, lost when it ends,
 * and invisible to any other process running the same app (Level 4).
 */
export class MemoryStore implements TodoStore {
  /** A Map iterates in insertion order, so list() gives the to-dos in creation order. */
  private readonly todos = new Map<number, Todo>();

  /** The next id to hand out. It only ever grows, so an id is never reused after a delete. */
  private nextId = 1;

  list(): Todo[] {
    return [...this.todos.values()];
  }

  get(id: number): Todo | undefined {
    return this.todos.get(id);
  }

  create(fields: TodoFields): Todo {
    const todo: Todo = { id: this.nextId, ...fields };
    this.nextId += 1;
    this.todos.set(todo.id, todo);
    return todo;
  }

  /** Map.set on an existing key keeps its place in the order. */
  replace(id: number, fields: TodoFields): Todo {
    const todo: Todo = { id, ...fields };
    this.todos.set(id, todo);
    return todo;
  }

  delete(id: number): void {
    this.todos.delete(id);
  }
}
