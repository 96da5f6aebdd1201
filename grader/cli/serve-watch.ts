/**
 * Watches the folders of an app's source files and calls back (debounced)
 * when a file that matters changes. Folders rather than files are watched:
 * editors often save by writing a new file and renaming it over the old one.
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export class SourceWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private changed = new Set<string>();

  constructor(
    /** Does a change to this path (undefined: the OS did not say which) call for a reload? */
    private readonly matters: (path: string | undefined) => boolean,
    private readonly onChange: (paths: string[]) => void,
    private readonly debounceMs = 150,
  ) {}

  /** Watch exactly these folders from now on. */
  watch(dirs: Iterable<string>): void {
    const wanted = new Set(dirs);
    for (const [dir, watcher] of this.watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, (_event, filename) => this.saw(filename ? join(dir, filename.toString()) : undefined));
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, watcher);
      } catch {
        // A folder that vanished: nothing there to reload for.
      }
    }
  }

  private saw(path: string | undefined): void {
    if (!this.matters(path)) return;
    this.changed.add(path ?? '');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = [...this.changed].filter((p) => p !== '');
      this.changed = new Set();
      this.onChange(paths);
    }, this.debounceMs);
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
