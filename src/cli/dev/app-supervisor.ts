/*
 * The restart loop of `tributary dev`: runs the application as a child process and starts a new
 * one whenever a watched file changes, like nodemon — a child process rather than a re-import,
 * because Node's ESM cache cannot forget a module graph, and a crash of the app must not take
 * the broker (which lives in the supervisor's process) with it.
 *
 * Phases of one restart, strictly in order (never two children at once, so two versions of the
 * app never share a state directory):
 *   1 a change under `watchDir` (ignoring node_modules, .git, dot-directories and `ignore`)
 *     arms a debounce timer; more changes within debounceMs extend it
 *   2 the running child gets SIGTERM (the app commits and leaves its group); after stopTimeoutMs
 *     it gets SIGKILL
 *   3 once it has exited, a new child starts
 * Changes during phase 2 or 3 schedule one more restart after it. A child that exits on its own
 * is not restarted until the next change (a crash loop would only repeat the same error).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { sep } from 'node:path';

export interface SupervisorOptions {
  /** argv of the child: [executable, ...args]. */
  readonly command: readonly [string, ...string[]];
  readonly watchDir: string;
  /** Relative paths (from watchDir) starting with one of these are not watched. */
  readonly ignore?: readonly string[];
  readonly debounceMs?: number;
  readonly stopTimeoutMs?: number;
  /** The supervisor's own lines (restarts, exits). */
  readonly log: (line: string) => void;
  /** Where the child's stdout/stderr go; default: inherited. */
  readonly stdio?: 'inherit' | 'pipe';
  readonly onSpawn?: (child: ChildProcess) => void;
}

const WATCHED = /\.(?:[mc]?[jt]sx?|json)$/;

/** True when a change to `relativePath` should restart the app. */
export function isWatchedChange(relativePath: string, ignore: readonly string[] = []): boolean {
  const parts = relativePath.split(/[\\/]/);
  if (parts.some((p) => p === 'node_modules' || (p.startsWith('.') && p.length > 1))) return false;
  if (ignore.some((prefix) => relativePath === prefix || relativePath.startsWith(prefix.endsWith(sep) ? prefix : prefix + sep))) return false;
  return WATCHED.test(relativePath);
}

export class AppSupervisor {
  readonly #opts: SupervisorOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #watcher: FSWatcher | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #restarting: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #starts = 0;

  constructor(opts: SupervisorOptions) {
    this.#opts = opts;
  }

  /** How many children were started so far. */
  get starts(): number {
    return this.#starts;
  }

  start(): void {
    this.#watcher = watch(this.#opts.watchDir, { recursive: true }, (_event, file) => {
      if (file === null || !isWatchedChange(file.toString(), this.#opts.ignore)) return;
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => this.#changed(file.toString()), this.#opts.debounceMs ?? 300);
    });
    this.#spawn();
  }

  /** Stops watching and stops the child (SIGTERM, then SIGKILL after the timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#debounce);
    this.#watcher?.close();
    await this.#restarting;
    await this.#stopChild();
  }

  #changed(file: string): void {
    if (this.#stopped) return;
    if (this.#restarting !== undefined) {
      this.#again = true;
      return;
    }
    this.#opts.log(`${file} changed: restarting the app`);
    this.#restarting = (async () => {
      do {
        this.#again = false;
        await this.#stopChild();
        if (!this.#stopped) this.#spawn();
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#restarting = undefined;
    });
  }

  #spawn(): void {
    const [exe, ...args] = this.#opts.command;
    const child = spawn(exe, args, { stdio: ['ignore', this.#opts.stdio ?? 'inherit', this.#opts.stdio ?? 'inherit'] });
    this.#starts++;
    this.#child = child;
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        if (!this.#stopped && this.#restarting === undefined) {
          this.#opts.log(`the app exited (${signal ?? `code ${code}`}); fix it and save a file to restart`);
        }
        resolve();
      });
      child.once('error', (err) => {
        this.#opts.log(`could not start the app: ${err.message}`);
        resolve();
      });
    });
    this.#opts.onSpawn?.(child);
  }

  async #stopChild(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return this.#exited;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), this.#opts.stopTimeoutMs ?? 15_000);
    try {
      await this.#exited;
    } finally {
      clearTimeout(killer);
    }
  }
}
