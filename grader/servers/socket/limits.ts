/**
 * The socket server's limits: defaults and merging with ServerOptions.limits.
 *
 * Every buffer this server keeps for a peer is bounded by one of these, so a
 * client can cost it at most a known amount of memory and time (the same
 * knobs waitress calls max_request_header_size, max_request_body_size,
 * channel_timeout...).
 */
import type { SocketLimits } from '../types.ts';

export type { SocketLimits };

/** Defaults, as documented on {@link SocketLimits}. */
export const DEFAULT_LIMITS: Readonly<SocketLimits> = Object.freeze({
  // RFC 9112 §3: "recommended that all HTTP senders and recipients support,
  // at a minimum, request-line lengths of 8000 octets".
  maxRequestLine: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 1024 * 1024,
  headerTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
});

/**
 * Bounds that are not worth a knob of their own.
 * A chunk-size line (size + extensions) is bounded like waitress's
 * MAX_CONTROL_LINE: RFC 9112 §7.1.1 lets a server limit extension length.
 */
export const MAX_CHUNK_LINE = 1024;
/** More hex digits than this cannot be a chunk size below maxBodyBytes (RFC 9112 §7.1: "anticipate ... overflow"). */
export const MAX_CHUNK_SIZE_DIGITS = 16;
/**
 * While a request is served, the connection keeps reading (so a client that
 * resets is noticed) but stops once this much of what follows is buffered.
 */
export const READ_AHEAD_BYTES = 64 * 1024;
/**
 * After answering with Connection: close we end the write side and keep
 * reading (and dropping) what the peer still sends for at most this long, so
 * unread bytes don't make the kernel reset the connection and lose the answer
 * (RFC 9112 §9.6 "tear-down").
 */
export const LINGER_MS = 2_000;

const KEYS = Object.keys(DEFAULT_LIMITS) as (keyof SocketLimits)[];

/** DEFAULT_LIMITS overridden by the given ones; each must be a positive finite number. */
export function resolveLimits(overrides: Partial<SocketLimits> | undefined): SocketLimits {
  const limits: SocketLimits = { ...DEFAULT_LIMITS };
  if (overrides === undefined) return limits;
  for (const key of KEYS) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`socket server: limits.${key} must be a positive number, got ${String(value)}`);
    }
    limits[key] = Math.max(1, Math.floor(value));
  }
  return limits;
}
