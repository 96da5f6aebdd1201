/**
 * The Server header and SERVER_SOFTWARE-like text. RFC 9110 §10.2.4:
 * product tokens, most significant first.
 */
import type { ServerName } from '../names.ts';

/** The servers' own version; it changes when their observable behaviour does. */
export const SERVER_VERSION = '1.0';

/** "simple/1.0 node/20.20.2" — the server's name and version, then the runtime's (RFC 9110 §10.2.4). */
export function serverSoftware(name: ServerName): string {
  return `${name}/${SERVER_VERSION} node/${process.versions.node}`;
}
