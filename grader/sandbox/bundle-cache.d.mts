/** See bundle-cache.mjs. */
export declare const PROJECT_DIR: string;
export declare function cacheDir(): string;
export declare function tsFiles(root: string, skip?: readonly string[]): string[];
export declare function sourceKey(files: readonly string[], extra?: readonly string[]): string;
export declare function esbuildVersion(): string;
export declare function bundlePath(name: string, key: string): string;
export declare function cachedBundle(name: string, key: string, build: () => Promise<Uint8Array>): Promise<string>;
