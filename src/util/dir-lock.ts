/*
 * An exclusive, process-lifetime lock on a directory, held by the kernel and released when the
 * holding process dies — by any death, kill -9 included, and before it lingers as a zombie
 * (the kernel closes a process's sockets in exit, before the parent reaps it). Used by the broker
 * for its data directory (as Kafka takes `<log.dir>/.lock` with a file lock) and by Streams for
 * an application's state directory.
 *
 * Why a socket and not a PID file: a PID file outlives its writer, so after kill -9 the next
 * starter must guess whether the recorded PID is still the writer (it may be a zombie, or a new
 * process that reused the number) and either refuses a legitimate restart or takes over a live
 * lock. Node has no flock(2) without a native add-on, but binding a socket name is atomic and the
 * name is freed by the kernel with the process:
 *
 *   Linux    abstract-namespace Unix socket "\0tributary-dir-lock:<dev>:<ino>": no file, so nothing
 *            stale is ever left behind. Keyed by the directory's device and inode, so two paths
 *            to one directory (symlinks, bind mounts) meet on the same name. Scope: one network
 *            namespace — two containers sharing a volume but not a network namespace do not see
 *            each other's lock (Kafka's file lock would).
 *   Windows  named pipe "\\.\pipe\tributary-dir-lock-<dev>-<ino>": also freed by the kernel.
 *   other    (macOS, BSD) a socket file `<dir>/.lock.sock`. A file can outlive its owner, so when
 *            its bind fails the PID recorded in `.lock` decides: a dead PID means a stale socket,
 *            which is unlinked and bound again. This is the one platform where the lock is
 *            PID-assisted.
 *
 * Binding is synchronous (libuv binds and listens inside `listen()` on the main thread; the
 * `exclusive` flag keeps that true in cluster workers), so `acquireDirLock` returns or throws at
 * once. `<dir>/.lock` is also written with the holder's PID and host for people reading the
 * directory; it never decides anything on Linux or Windows. The server is unref'd: the lock never
 * keeps the process alive.
 */
import { createServer, type Server } from 'node:net';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Thrown when another live process holds the directory. */
export class DirLockedError extends Error {
  readonly code = 'EDIRLOCKED';
  constructor(
    readonly dir: string,
    readonly holder: string,
  ) {
    super(`${dir} is locked by another running process (${holder})`);
    this.name = 'DirLockedError';
  }
}

export interface DirLock {
  readonly dir: string;
  /** Releases the lock (idempotent). Process death releases it too. */
  release(): void;
}

const INFO_FILE = '.lock';

/** Takes the lock on `dir` (created if missing) or throws DirLockedError naming the holder. */
export function acquireDirLock(dir: string): DirLock {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const st = statSync(abs);
  const name = socketName(abs, st.dev, st.ino);
  let server = tryBind(name);
  if (server === null && name.startsWith(abs)) {
    // Socket-file platforms only: a file left by a dead holder is stale.
    const holderPid = readHolderPid(abs);
    if (holderPid === null || !processAlive(holderPid)) {
      rmSync(name, { force: true });
      server = tryBind(name);
    }
  }
  if (server === null) throw new DirLockedError(abs, describeHolder(abs));
  const held = server;
  writeFileSync(join(abs, INFO_FILE), `${process.pid}@${hostname()}\n`);
  let released = false;
  return {
    dir: abs,
    release(): void {
      if (released) return;
      released = true;
      held.close();
      try {
        if (readFileSync(join(abs, INFO_FILE), 'utf8').startsWith(`${process.pid}@`)) rmSync(join(abs, INFO_FILE), { force: true });
      } catch {
        // the info file is advisory; a missing one is fine
      }
    },
  };
}

function socketName(abs: string, dev: number, ino: number): string {
  if (process.platform === 'linux') return `\0tributary-dir-lock:${dev}:${ino}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\tributary-dir-lock-${dev}-${ino}`;
  return join(abs, '.lock.sock');
}

/** Binds `name` synchronously; null when it is taken. */
function tryBind(name: string): Server | null {
  const server = createServer((socket) => socket.destroy());
  // A failed bind is also emitted asynchronously as 'error'; the synchronous check below decides.
  server.on('error', () => undefined);
  server.listen({ path: name, exclusive: true });
  if (!server.listening) {
    server.close();
    return null;
  }
  server.unref();
  return server;
}

function readHolderPid(abs: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(abs, INFO_FILE), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function describeHolder(abs: string): string {
  try {
    const info = readFileSync(join(abs, INFO_FILE), 'utf8').trim();
    if (info.length > 0) return `pid ${info}`;
  } catch {
    // fall through
  }
  return 'holder unknown';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
