/**
 * GET /todos?done=true|false&page=N&per_page=M: filtering, then pagination,
 * and the headers describing the result (X-Total-Count, Link).
 */
import type { Header } from '../grader/wsgi/types.ts';
import type { Todo } from './todos.ts';
import type { Checked } from './validation.ts';

export interface ListQuery {
  /** Keep only to-dos with this done value; undefined keeps all. */
  done: boolean | undefined;
  /** The page asked for; undefined when the query has neither page nor per_page. */
  page: { number: number; size: number } | undefined;
}

const DEFAULT_PER_PAGE = 10;
const MAX_PER_PAGE = 100;

/** Digits only, at least 1: "2" is fine, "0", "-1", "1.5", "abc" and "" are not. */
function wholeNumber(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 ? value : undefined;
}

function badQuery(error: string): Checked<ListQuery> {
  return { ok: false, status: 400, error };
}

/** Read and check the query string of GET /todos. Other parameters are ignored. */
export function readListQuery(query: URLSearchParams): Checked<ListQuery> {
  for (const name of ['done', 'page', 'per_page']) {
    if (query.getAll(name).length > 1) return badQuery(`${name} may appear only once in the query`);
  }
  const filter = query.get('done');
  if (filter !== null && filter !== 'true' && filter !== 'false') return badQuery('done must be true or false');
  const done = filter === null ? undefined : filter === 'true';

  // Without page and per_page the listing is not paginated: every matching to-do.
  const page = query.get('page');
  const perPage = query.get('per_page');
  if (page === null && perPage === null) return { ok: true, value: { done, page: undefined } };

  const number = page === null ? 1 : wholeNumber(page);
  if (number === undefined) return badQuery('page must be a whole number, 1 or more');
  const size = perPage === null ? DEFAULT_PER_PAGE : wholeNumber(perPage);
  if (size === undefined || size > MAX_PER_PAGE) return badQuery(`per_page must be a whole number from 1 to ${MAX_PER_PAGE}`);
  return { ok: true, value: { done, page: { number, size } } };
}

/** The URL of a page of the same listing: the filter first, then page and per_page. */
function pageUrl(done: boolean | undefined, number: number, size: number): string {
  const filter = done === undefined ? '' : `done=${done}&`;
  return `/todos?${filter}page=${number}&per_page=${size}`;
}

export interface Listing {
  items: Todo[];
  headers: Header[];
}

/**
 * Filter, then cut out the page. X-Total-Count counts every matching to-do,
 * not only those on the page. Link (RFC 8288) points to the previous page
 * when there is one before (page > 1) and to the next page when more
 * matching to-dos follow.
 */
export function listing(todos: Todo[], query: ListQuery): Listing {
  const matching = query.done === undefined ? todos : todos.filter((todo) => todo.done === query.done);
  const headers: Header[] = [['X-Total-Count', String(matching.length)]];
  if (query.page === undefined) return { items: matching, headers };

  const { number, size } = query.page;
  const start = (number - 1) * size;
  const links: string[] = [];
  if (number > 1) links.push(`<${pageUrl(query.done, number - 1, size)}>; rel="prev"`);
  if (start + size < matching.length) links.push(`<${pageUrl(query.done, number + 1, size)}>; rel="next"`);
  if (links.length > 0) headers.push(['Link', links.join(', ')]);
  return { items: matching.slice(start, start + size), headers };
}
