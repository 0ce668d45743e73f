// The sync that makes the SQLite store's commits durable (see group-commit.ts). The database runs
// with synchronous=NORMAL in WAL mode: a commit appends its pages to the -wal file without
// syncing it (a checkpoint syncs the WAL before copying pages into the database file, and the
// database file after). fdatasync of the -wal file after a commit therefore puts that commit —
// and every one before it — on disk, which is what synchronous=FULL does inside each commit. It
// runs on libuv's thread pool, so the event loop keeps serving while the disk works.
//
// The -wal file is opened once and kept open: SQLite never removes or replaces it while a
// connection (ours) is open. The directory is synced once too, so the -wal file's own entry
// survives a power loss.
import { close, fdatasync, fsync, open } from 'node:fs';
import { dirname } from 'node:path';

const call = <T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

export interface WalSync {
  sync(): Promise<void>;
  close(): void;
}

export function walSync(databasePath: string): WalSync {
  const walPath = `${databasePath}-wal`;
  let fd: number | null = null;
  let opening: Promise<number> | null = null;

  const openWal = async (): Promise<number> => {
    const walFd = await call<number>((cb) => open(walPath, 'r', cb));
    const dirFd = await call<number>((cb) => open(dirname(walPath), 'r', cb));
    try {
      await call<void>((cb) => fsync(dirFd, (err) => cb(err, undefined)));
    } finally {
      close(dirFd, () => {});
    }
    fd = walFd;
    return walFd;
  };

  return {
    async sync() {
      const walFd = fd ?? (await (opening ??= openWal().finally(() => (opening = null))));
      await call<void>((cb) => fdatasync(walFd, (err) => cb(err, undefined)));
    },
    close() {
      if (fd !== null) close(fd, () => {});
      fd = null;
    },
  };
}
