/**
 * The to-dos themselves, kept in memory.
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

export class TodoStore {
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

  /** Replace every field of an existing to-do. Map.set on an existing key keeps its place in the order. */
  replace(id: number, fields: TodoFields): Todo {
    const todo: Todo = { id, ...fields };
    this.todos.set(id, todo);
    return todo;
  }

  delete(id: number): void {
    this.todos.delete(id);
  }
}
