// A private PostgreSQL server for tests: Debian's `postgresql` binaries (listed in
// .ci/apt-packages), a fresh cluster in a temp dir, on a free loopback port, no Unix socket.
// One per test file; each test takes a fresh database from it (`createDatabase`), so tests never
// see each other's rows, advisory locks or notifications. Nothing is skipped when PostgreSQL is
// missing: `startPostgres` fails at once and says what to install.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freeLoopbackPort } from './net.js';

export interface TestPostgres {
  /** postgres://… of the maintenance database (`postgres`). */
  url: string;
  port: number;
  /** A new database, empty or a copy of `template` (a database name); returns its URL. */
  createDatabase(prefix?: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

const INSTALL_HINT = "Install Debian's postgresql package (it is listed in .ci/apt-packages; .ci/run installs it), or set GREENLIGHT_TEST_PG_BIN to the directory holding initdb and postgres.";

/** The directory holding initdb and postgres: GREENLIGHT_TEST_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function findPostgresBin(): string {
  const fromEnv = process.env.GREENLIGHT_TEST_PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'initdb'))) throw new Error(`GREENLIGHT_TEST_PG_BIN=${fromEnv} has no initdb. ${INSTALL_HINT}`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  throw new Error(`The tests need a PostgreSQL server and found none under ${root}. ${INSTALL_HINT}`);
}

/** Root may not run PostgreSQL: as root, the server runs as the `postgres` user the package creates. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error(`The tests run as root, and PostgreSQL refuses to: they need the 'postgres' user that Debian's postgresql package creates. ${INSTALL_HINT}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

let counter = 0;

/**
 * `durable`: keep Postgres's own fsync and synchronous_commit (benchmarks); tests turn both off,
 * which is safe for a throwaway cluster and much faster.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-pg-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
  const asServer = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', HOME: dir };
  try {
    execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'greenlight', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'], { ...asServer, env, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}. ${INSTALL_HINT}`);
  }

  let child: ChildProcess | null = null;
  let port = 0;
  let stderr = '';
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freeLoopbackPort();
    const settings = {
      port: String(port),
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      ...(options.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
      max_connections: '400',
      shared_buffers: '32MB',
      log_min_messages: 'fatal',
    };
    const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const started = spawn(join(bin, 'postgres'), args, { ...asServer, env, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
    started.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<null>((resolve) => started.once('exit', () => resolve(null)));
    const up = await Promise.race([waitForConnection(port, 20_000), exited]);
    if (up) child = started;
    else started.kill('SIGKILL');
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${stderr.trim().slice(-1000)}`);
  }
  const server = child;
  const kill = () => server.kill('SIGKILL');
  process.once('exit', kill);

  const url = `postgres://greenlight@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async createDatabase(prefix = 'test', template?: string) {
      const name = `${prefix}_${process.pid}_${++counter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        // FILE_COPY (Postgres 15+) copies a migrated template far faster than the default WAL_LOG.
        const version = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num);
        const strategy = version >= 150000 ? ' STRATEGY FILE_COPY' : '';
        await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}${strategy}` : ''}`);
      } finally {
        await client.end();
      }
      return `postgres://greenlight@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.removeListener('exit', kill);
      const gone = new Promise<void>((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', () => resolve())));
      server.kill('SIGQUIT'); // immediate shutdown: nothing here needs to survive
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000).unref())]);
      if (server.exitCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True once a connection succeeds; false after `timeoutMs`. */
async function waitForConnection(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'greenlight', database: 'postgres', connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}
