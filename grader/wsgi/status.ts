/**
 * Status lines for responses a server writes itself (400, 413, 500 ...).
 */
import { STATUS_CODES } from 'node:http';

/** "413 Content Too Large": a code and its reason phrase (RFC 9110 §15), as startResponse() takes it. */
export function statusText(code: number): string {
  return `${code} ${STATUS_CODES[code] ?? 'Unknown'}`;
}

