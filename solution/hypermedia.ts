/**
 * HATEOAS (Richardson level 3): representations carry links, so a client
 * follows them instead of building URLs itself.
 */
import type { Todo } from './todos.ts';

interface Link {
  href: string;
  /** The method to use, where it is not GET. */
  method?: string;
}

export interface TodoRepresentation extends Todo {
  _links: { self: Link; collection: Link; update: Link; delete: Link };
}

/** A to-do as the API shows it: its fields, then where it lives and what can be done with it. */
export function represent(todo: Todo): TodoRepresentation {
  const self = `/todos/${todo.id}`;
  return {
    id: todo.id,
    title: todo.title,
    done: todo.done,
    _links: {
      self: { href: self },
      collection: { href: '/todos' },
      update: { href: self, method: 'PUT' },
      delete: { href: self, method: 'DELETE' },
    },
  };
}

/** GET /: the entry point, the one URL a client needs to know. */
export const ENTRY_POINT = {
  _links: {
    self: { href: '/' },
    todos: { href: '/todos' },
  },
};
