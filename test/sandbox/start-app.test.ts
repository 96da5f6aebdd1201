import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AppProcessHandle } from '../../grader/sandbox/app-process.ts';
import { databasePath, startApp } from '../../grader/sandbox/start-app.ts';
import { TYPES, get, prepared, removeTemps, tempDir, writeFiles } from './helpers.ts';

const DATABASE_APP = `${TYPES}
export function application(environ: Environ, startResponse: StartResponse): ResponseBody {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(String(environ['todo.database'] ?? 'none') + ' ' + String(environ['wsgi.multiprocess']))];
}
`;

const started: AppProcessHandle[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.kill()));
});
afterAll(removeTemps);

describe('startApp', () => {
  it('starts one app process for simple and socket', async () => {
    const app = await prepared(writeFiles(join(tempDir(), 'db'), { 'app.ts': DATABASE_APP }), tempDir());
    for (const server of ['simple', 'socket'] as const) {
      const handle = await startApp({ bundlePath: app.bundlePath, sourceDir: app.sourceDir, server, validate: true });
      started.push(handle);
      expect(handle.server).toBe(server);
      expect(await get(handle, '/')).toEqual({ status: 200, text: 'none false' });
    }
  });

  it("starts a prefork pool whose workers share the data folder's database", async () => {
    const app = await prepared(writeFiles(join(tempDir(), 'db'), { 'app.ts': DATABASE_APP }), tempDir());
    const dataDir = realpathSync(tempDir());
    const handle = await startApp({ bundlePath: app.bundlePath, sourceDir: app.sourceDir, server: 'prefork', validate: true, workers: 2, dataDir });
    started.push(handle);
    expect(handle.server).toBe('prefork');
    expect(await get(handle, '/')).toEqual({ status: 200, text: `${databasePath(dataDir)} true` });
  });
});
