/**
 * What one request's response has done so far, as the validator sees it:
 * start_response() calls, the declared status and Content-Length, the body
 * bytes handed to the server, and whether the headers have gone out.
 *
 * The checks here apply to every body byte, whether it came from write() or
 * from the iterable (PEP 3333 "The write() Callable": written data is
 * "treated exactly as though it had been yielded by the output iterable").
 */
import type { Bytes } from '../types.ts';
import { violation } from './codes.ts';
import { isBodiless } from './headers.ts';

export class ResponseState {
  /** start_response() calls, including ones that raised (PEP 3333 counts those too). */
  calls = 0;
  /** start_response() calls that succeeded: the status and headers are known. */
  started = false;
  status = 0;
  /** The app's Content-Length, if it declared one. */
  contentLength: number | undefined = undefined;
  /** Body bytes handed to the server so far. */
  bytesSent = 0;
  /**
   * PEP 3333 "The start_response() Callable": headers go out with the first
   * non-empty chunk (or write()), or when the iterable is exhausted.
   */
  headersSent = false;
  /** The application function has returned its iterable. */
  appReturned = false;

  constructor(readonly method: string) {}

  /** A copy, to check an array body before the server sees any of it. */
  clone(): ResponseState {
    return Object.assign(new ResponseState(this.method), this);
  }

  /** Record the status and headers of a successful start_response() call. */
  begin(status: number, contentLength: number | undefined): void {
    this.started = true;
    this.status = status;
    this.contentLength = contentLength;
  }

  /** A body chunk goes to the server: check it may, and count it. */
  send(chunk: Bytes, via: 'iterable' | 'write'): void {
    if (chunk.length === 0) return;
    if (!this.started) {
      throw violation('no-start-response', `the ${via === 'write' ? 'write() callable' : 'iterable'} produced ${chunk.length} body bytes before startResponse() was called`);
    }
    if (isBodiless(this.status) && this.method !== 'HEAD') {
      throw violation('body-on-bodiless-status', `the ${this.status} response has a body (${chunk.length} bytes in one chunk)`);
    }
    this.bytesSent += chunk.length;
    this.headersSent = true;
    if (this.contentLength !== undefined && this.bytesSent > this.contentLength) {
      throw violation('content-length-exceeded',
        `the body reached ${this.bytesSent} bytes, but the application declared Content-Length: ${this.contentLength}`,
        'For text, the byte length differs from text.length as soon as a character is not ASCII (é is 2 bytes in UTF-8).');
    }
  }

  /** The iterable is exhausted: the response is complete. */
  end(): void {
    if (!this.started) {
      throw violation('no-start-response', 'the iterable ended, but startResponse() was never called');
    }
    this.headersSent = true;
    const expected = this.contentLength;
    // HEAD and 304 responses may announce the length of the body they leave out (RFC 9110 §8.6).
    const announcesOnly = this.method === 'HEAD' || this.status === 304;
    if (expected !== undefined && this.bytesSent < expected && !announcesOnly) {
      throw violation('content-length-short',
        `the body ended after ${this.bytesSent} bytes, but the application declared Content-Length: ${expected}`);
    }
  }
}
