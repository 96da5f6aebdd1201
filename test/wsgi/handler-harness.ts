/**
 * A harness for runApplication(): a transport that records what the handler
 * asked of it (the port, not the thing under test) and helpers to run apps.
 */
import { buildEnviron, type EnvironPolicy } from '../../grader/wsgi/environ.ts';
import { runApplication, type HandlerResult, type ResponseTransport } from '../../grader/wsgi/handler.ts';
import type { Application, Bytes, Header } from '../../grader/wsgi/types.ts';
import { isWsgiViolation } from '../../grader/wsgi/violation.ts';
import { bytes } from '../servers/apps.ts';

const POLICY: EnvironPolicy = {
  serverName: 'test',
  missingContentType: undefined,
  missingContentLength: undefined,
  underscoreHeaders: 'drop',
  duplicateSeparator: ', ',
  multithread: false,
  multiprocess: false,
};

/** A transport that records what the handler asked it to do; the port, not the thing under test. */
export class RecordingTransport implements ResponseTransport {
  readonly events: string[];
  head: { status: string; headers: Header[]; contentLength: number | undefined } | undefined;
  readonly chunks: Bytes[] = [];
  finished = false;
  aborted: unknown = undefined;
  clientGone = false;
  /** When set, sendBody waits for this promise (backpressure). */
  gate: Promise<void> | undefined;

  constructor(events: string[] = []) {
    this.events = events;
  }
  sendHead(status: string, _code: number, headers: Header[], contentLength: number | undefined): void {
    this.events.push(`head ${status}`);
    this.head = { status, headers, contentLength };
  }
  sendBody(chunk: Uint8Array): void | Promise<void> {
    this.events.push(`body ${new TextDecoder().decode(chunk)}`);
    this.chunks.push(chunk);
    return this.gate;
  }
  finish(): void {
    this.events.push('finish');
    this.finished = true;
  }
  abort(reason: unknown): void {
    this.events.push('abort');
    this.aborted = reason ?? 'aborted';
  }
  get text(): string {
    return this.chunks.map((chunk) => new TextDecoder().decode(chunk)).join('');
  }
  header(name: string): string | undefined {
    return this.head?.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  }
}

export interface Run {
  result: HandlerResult;
  transport: RecordingTransport;
  logs: string[];
  appErrors: unknown[];
}

export async function run(app: Application, options: { method?: string; body?: string; transport?: RecordingTransport } = {}): Promise<Run> {
  const logs: string[] = [];
  const appErrors: unknown[] = [];
  const body = bytes(options.body ?? '');
  const headers: Array<[string, string]> = options.body === undefined ? [] : [['Content-Length', String(body.byteLength)]];
  const environ = buildEnviron({ method: options.method ?? 'GET', target: '/', version: 'HTTP/1.1', headers, serverPort: 80 }, body, POLICY, (line) => logs.push(line));
  const transport = options.transport ?? new RecordingTransport();
  const result = await runApplication(app, environ, transport, {
    log: (line) => logs.push(line),
    software: 'test/1.0',
    onAppError: (error) => appErrors.push(error),
  });
  return { result, transport, logs, appErrors };
}

export function violationCodes(errors: unknown[]): string[] {
  return errors.map((error) => (isWsgiViolation(error) ? error.code : String(error)));
}

/** An iterable that records next() and close() calls. */
export function tracked(chunks: Array<Bytes | Error>, events: string[], start?: () => void): Iterable<Bytes> & { close(): void } {
  return {
    *[Symbol.iterator](): Generator<Bytes> {
      start?.();
      for (const chunk of chunks) {
        if (chunk instanceof Error) throw chunk;
        events.push(`yield ${new TextDecoder().decode(chunk)}`);
        yield chunk;
      }
    },
    close(): void {
      events.push('close');
    },
  };
}
