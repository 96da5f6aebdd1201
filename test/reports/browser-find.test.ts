// Where the HTML tests find Chromium: CHROMIUM_PATH first, then the usual names on PATH.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { findChromium } from './html/browser.ts';

const dir = mkdtempSync(join(tmpdir(), 'todo-wsgi-chromium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeBinary(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

test.skipIf(process.platform === 'win32')('CHROMIUM_PATH wins; otherwise the first usual name on PATH', () => {
  const browser = fakeBinary('chromium-browser');
  const chosen = fakeBinary('my-chrome');
  expect(findChromium({ PATH: `/nonexistent:${dir}` })).toBe(browser);
  expect(findChromium({ PATH: dir, CHROMIUM_PATH: chosen })).toBe(chosen);
  expect(() => findChromium({ PATH: dir, CHROMIUM_PATH: join(dir, 'missing') })).toThrow(/^CHROMIUM_PATH=.*missing is not an executable file$/);
  expect(() => findChromium({ PATH: '/nonexistent' })).toThrow(/^no Chromium found: install one/);
});
