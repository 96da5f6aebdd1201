/**
 * A system Chromium through playwright-core, offline: one launch per test
 * file. Found as CHROMIUM_PATH names it, else by the usual names on PATH
 * (Debian's chromium, chromium-browser, Google Chrome), so the tests run
 * wherever a Chromium is installed, not only at Debian's path.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium reaches for the (closed) network on its own.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROMIUM_PATH, else the first of NAMES on PATH (with Windows' extensions there). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') {
    if (!executable(given)) throw new Error(`CHROMIUM_PATH=${given} is not an executable file`);
    return given;
  }
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    for (const name of NAMES) {
      for (const extension of extensions) {
        const candidate = join(dir, name + extension.toLowerCase());
        if (executable(candidate)) return candidate;
      }
    }
  }
  throw new Error(`no Chromium found: install one (Debian: apt-get install chromium) or set CHROMIUM_PATH (looked for ${NAMES.join(', ')} on PATH)`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: ARGS });
}
