/**
 * Node command-line flags for an app process, per Node version.
 *
 * Node 20 and early 22 call the permission model --experimental-permission;
 * 22.13+/23.5+ call it --permission. Node 25 added network permissions
 * (--allow-net), never granted: an app process does not listen (its parent
 * passes it each connection over IPC), so it needs no network at all.
 */
type Flags = ReadonlySet<string>;
const known: Flags = process.allowedNodeEnvironmentFlags;

/** "--permission" or "--experimental-permission", whichever this Node knows. */
export function permissionFlag(flags: Flags = known): string {
  return flags.has('--permission') ? '--permission' : '--experimental-permission';
}

/** True where Node has network permissions: without --allow-net an app process can neither connect nor listen. */
export function hasNetworkPermission(flags: Flags = known): boolean {
  return flags.has('--allow-net');
}

export interface ChildFlagOptions {
  sandbox: boolean;
  /** Files and folders the app may read (absolute, symlinks resolved). */
  readPaths: readonly string[];
  /** The one folder the app may write (and read), if any (absolute, symlinks resolved). */
  writableDir?: string;
  memoryMb: number;
}

export function childFlags(options: ChildFlagOptions): string[] {
  const out = [
    `--max-old-space-size=${options.memoryMb}`,
    // The student's bundle carries an inline source map: stack traces show app.ts:line.
    '--enable-source-maps',
    // The permission model's ExperimentalWarning is noise in the student's output.
    '--disable-warning=ExperimentalWarning',
  ];
  if (!options.sandbox) return out;
  out.push(permissionFlag());
  for (const path of options.readPaths) out.push(`--allow-fs-read=${path}`);
  if (options.writableDir !== undefined) out.push(`--allow-fs-read=${options.writableDir}`, `--allow-fs-write=${options.writableDir}`);
  // No other --allow-fs-write, no --allow-child-process, --allow-worker, --allow-addons, --allow-wasi,
  // --allow-net: all denied.
  return out;
}
