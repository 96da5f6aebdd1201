/**
 * Under each server with validate on, a contract violation the application
 * catches still reaches onAppError (with the environ onEnviron saw), and is
 * logged once; one it does not catch is reported once too, not twice.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type InProcessServerName, type RunningServer } from '../../grader/servers/index.ts';
import { type Application } from '../../grader/wsgi/types.ts';
import { DEFAULT_TEST_SERVERS } from '../../grader/servers/names.ts';
import { isWsgiViolation } from '../../grader/wsgi/violation.ts';

const TEXT: Array<[string, string]> = [['Content-Type', 'text/plain']];

/** read(NaN) — what Number(environ.CONTENT_LENGTH) gives when it is absent — inside a try/catch that turns any error into 400. */
const swallowing: Application = (environ, startResponse) => {
  try {
    environ['wsgi.input'].read(Number.NaN);
  } catch {
    startResponse('400 Bad Request', TEXT);
    return [Buffer.from('invalid body')];
  }
  startResponse('200 OK', TEXT);
  return [Buffer.from('ok')];
};

const throwing: Application = (environ, startResponse) => {
  environ['wsgi.input'].read(Number.NaN);
  startResponse('200 OK', TEXT);
  return [Buffer.from('ok')];
};

describe.each(DEFAULT_TEST_SERVERS as readonly InProcessServerName[])('%s server', (name) => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function run(app: Application): Promise<{ status: number; codes: string[]; sameEnviron: boolean[]; logged: number }> {
    const environs: object[] = [];
    const errors: Array<[unknown, object]> = [];
    const logs: string[] = [];
    running = await startServer(name, app, {
      validate: true,
      log: (line) => logs.push(line),
      onEnviron: (environ) => environs.push(environ),
      onAppError: (error, environ) => errors.push([error, environ]),
    });
    const response = await request(`${running.url}/todos`, { method: 'GET' });
    await response.body.text();
    return {
      status: response.statusCode,
      codes: errors.map(([error]) => (isWsgiViolation(error) ? error.code : String(error))),
      sameEnviron: errors.map(([, environ]) => environs.includes(environ)),
      logged: logs.filter((line) => line.startsWith('error in the application')).length,
    };
  }

  it('a violation the app catches is reported, tied to its request, and logged once', async () => {
    expect(await run(swallowing)).toEqual({ status: 400, codes: ['input-read-args'], sameEnviron: [true], logged: 1 });
  });

  it('a violation the app does not catch is reported and logged once, and answered 500', async () => {
    expect(await run(throwing)).toEqual({ status: 500, codes: ['input-read-args'], sameEnviron: [true], logged: 1 });
  });
});
