/**
 * Conditional requests (RFC 9110 §13): every GET answer carries an ETag; a
 * client sending it back in If-None-Match gets 304 Not Modified and no body.
 */
import { createHash } from 'node:crypto';
import type { Header } from '../grader/wsgi/types.ts';
import { headerOf, notModified, type Response } from './http.ts';

/**
 * A strong entity tag computed from the body bytes: the same representation
 * always gets the same tag, and any change of the body changes it.
 */
function entityTag(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * If-None-Match matches when it is "*" or when one of its tags equals ours.
 * It uses the weak comparison (RFC 9110 §13.1.2): a W/ prefix is ignored.
 */
function matches(ifNoneMatch: string, tag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const listed = ifNoneMatch.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return listed.some((candidate) => candidate.replace(/^W\//, '') === tag);
}

/**
 * Give a 200 answer to GET its ETag, or turn it into 304 Not Modified when
 * the client already holds this representation. A 304 has no body and no
 * Content-Type, but keeps ETag and Cache-Control (RFC 9110 §15.4.5).
 */
export function conditionalGet(ifNoneMatch: string | undefined, response: Response): Response {
  const tag = entityTag(response.body);
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, tag)) {
    const cacheControl = headerOf(response, 'Cache-Control');
    const headers: Header[] = [['ETag', tag]];
    if (cacheControl !== undefined) headers.push(['Cache-Control', cacheControl]);
    return notModified(headers);
  }
  return { ...response, headers: [...response.headers, ['ETag', tag]] };
}
