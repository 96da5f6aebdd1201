/**
 * Read a whole request body before the app runs. Applications are
 * synchronous, so wsgi.input must hold the complete body when they are called
 * (PEP 3333 "Input and Error Streams"); node:http has already decoded a
 * chunked body (RFC 9112 §7.1).
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { kind: 'complete'; body: Uint8Array }
  /** Larger than the limit: answer 413 (RFC 9110 §15.5.14) and close. */
  | { kind: 'too-large' }
  /** The client left before the body was complete: the message is incomplete, don't call the app (RFC 9112 §8). */
  | { kind: 'incomplete' };

const NO_BODY: BodyResult = { kind: 'complete', body: new Uint8Array(0) };

/** True when the declared Content-Length alone is over the limit, so the body needn't be read. */
export function declaredTooLarge(req: IncomingMessage, maxBytes: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > maxBytes;
}

/** Collect the body, at most `maxBytes` of it; at once when there is nothing to wait for. */
export function readBody(req: IncomingMessage, maxBytes: number): BodyResult | Promise<BodyResult> {
  if (declaredTooLarge(req, maxBytes)) return { kind: 'too-large' };
  // No Content-Length (or 0) and no Transfer-Encoding: the request has no body (RFC 9112 §6.3), nothing to wait for.
  const declared = req.headers['content-length'];
  if ((declared === undefined || declared === '0') && req.headers['transfer-encoding'] === undefined) return NO_BODY;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        req.pause();
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const joined = Buffer.concat(chunks, size);
      finish({ kind: 'complete', body: new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength) });
    };
    const onClose = (): void => finish({ kind: 'incomplete' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}
