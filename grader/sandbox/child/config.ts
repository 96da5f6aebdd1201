/**
 * The child's configuration, read once from the environment and then removed,
 * so that student code (imported afterwards) cannot learn the nonce.
 */
import { CONFIG_ENV, type ChildConfig } from '../protocol.ts';
import { SERVER_NAMES, type ServerName } from '../../servers/names.ts';

export function takeConfig(): ChildConfig {
  const raw = process.env[CONFIG_ENV];
  delete process.env[CONFIG_ENV];
  if (raw === undefined) throw new Error(`the app process needs ${CONFIG_ENV}; start it with startAppProcess()`);
  const value = JSON.parse(raw) as Partial<ChildConfig>;
  const server = value.server;
  if (
    typeof value.nonce !== 'string' ||
    typeof value.bundlePath !== 'string' ||
    typeof value.sourceDir !== 'string' ||
    typeof value.entryName !== 'string' ||
    typeof value.port !== 'number' ||
    typeof value.validate !== 'boolean' ||
    (value.accessLog !== undefined && typeof value.accessLog !== 'boolean') ||
    (value.writableDir !== undefined && typeof value.writableDir !== 'string') ||
    (value.worker !== undefined && !(Number.isInteger(value.worker) && value.worker >= 1)) ||
    (value.environ !== undefined && (typeof value.environ !== 'object' || value.environ === null || !Object.values(value.environ).every((v) => typeof v === 'string'))) ||
    !SERVER_NAMES.includes(server as ServerName)
  ) {
    throw new Error(`malformed ${CONFIG_ENV}`);
  }
  return value as ChildConfig;
}
