/**
 * The grader's names for its servers and what it gives apps beyond the
 * contract (grader/wsgi/types.ts holds only PEP 3333's side).
 */
/**
 * The servers of this kit. They differ wherever PEP 3333 lets servers differ,
 * the way wsgiref, waitress and Gunicorn do (see README, "Where the servers differ").
 */
export type ServerName = 'simple' | 'socket' | 'prefork';
export const SERVER_NAMES: readonly ServerName[] = ['simple', 'socket', 'prefork'];

/** Where a test runs unless its spec says otherwise: one process, one app, two ways to speak HTTP. */
export const DEFAULT_TEST_SERVERS: readonly ServerName[] = ['simple', 'socket'];

/**
 * The kit's environ extension key (PEP 3333 "environ Variables": a server may
 * add its own, named with a prefix): the database file every process of a
 * multi-process server shares. Level 4's servers set it; it is absent otherwise.
 */
export const DATABASE_KEY = 'todo.database';

export function isServerName(name: string): name is ServerName {
  return (SERVER_NAMES as readonly string[]).includes(name);
}
