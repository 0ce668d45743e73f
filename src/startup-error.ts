// Start-up failures a user causes and can fix — a busy port, a data directory that cannot be
// written, a file that is not a Greenlight database, a PostgreSQL server that cannot be reached or
// refuses the login — as one message that names what failed and
// the setting (flag / environment variable) that changes it. `greenlight serve` and the store
// commands print it as one line instead of a stack trace; the cause is kept for debugging.

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

const codeOf = (err: unknown): string | undefined => (err as { code?: unknown })?.code as string | undefined;
const reasonOf = (err: unknown): string => ((err as Error)?.message ?? String(err)).replace(/\s+/g, ' ').trim();

const PORT_SETTING = '--port or GREENLIGHT_PORT (server.port in the config)';
const HOST_SETTING = '--host or GREENLIGHT_HOST (server.host in the config)';
const DATA_SETTING = '--data-dir or GREENLIGHT_DATA_DIR (data_dir in the config)';
const DB_SETTING = '--data-dir / --sqlite-path (GREENLIGHT_DATA_DIR / GREENLIGHT_SQLITE_PATH)';
const PG_SETTING = '--database-url or GREENLIGHT_DATABASE_URL (store.url in the config)';

/** The HTTP listener could not open. */
export function listenProblem(host: string, port: number, err: unknown): StartupError {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const message = (() => {
    switch (codeOf(err)) {
      case 'EADDRINUSE':
        return `port ${port} on ${host} is already in use (another Greenlight, or another program). Stop that, or choose another port with ${PORT_SETTING}; port 0 picks a free one.`;
      case 'EACCES':
      case 'EPERM':
        return `this user may not listen on ${where} (ports below 1024 need extra rights). Choose a port above 1023 with ${PORT_SETTING}.`;
      case 'EADDRNOTAVAIL':
        return `cannot listen on ${host}: no network interface of this machine has that address. Use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface) with ${HOST_SETTING}.`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_NONAME':
        return `cannot listen on ${host}: that host name does not resolve. Give an address or a resolvable name with ${HOST_SETTING}.`;
      default:
        return `cannot listen on ${where}: ${reasonOf(err)}. Check ${HOST_SETTING} and ${PORT_SETTING}.`;
    }
  })();
  return new StartupError(message, { cause: err });
}

/** The data directory (or the database's directory) could not be created. */
export function dataDirProblem(dir: string, err: unknown): StartupError {
  const code = codeOf(err);
  const why =
    code === 'ENOTDIR' || code === 'EEXIST'
      ? 'part of that path is a file, not a directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : reasonOf(err);
  return new StartupError(`cannot create the data directory ${dir}: ${why}. Choose a directory this user can write with ${DATA_SETTING}.`, { cause: err });
}

/** The SQLite file could not be opened, is not a database, or is from a newer Greenlight. */
export function databaseProblem(path: string, err: unknown): StartupError {
  const code = codeOf(err) ?? '';
  const message = (() => {
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      return `${path} is not a usable SQLite database (SQLite: ${reasonOf(err)}). Point ${DB_SETTING} at the right file, restore a backup, or move this file aside to start with an empty database.`;
    }
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return `${path} is locked by another process (SQLite: ${reasonOf(err)}). Wait for it to finish, or stop the other process.`;
    }
    if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      return `cannot write the database ${path}: permission denied or read-only. Run as the user that owns it, or point ${DB_SETTING} at a writable place.`;
    }
    if (code === 'EISDIR') return `the database path ${path} is a directory. Point ${DB_SETTING} at a file.`;
    if (/newer than this Greenlight/.test(reasonOf(err))) return `${path}: ${reasonOf(err)}`;
    return `cannot open the database ${path}: ${reasonOf(err)}. Check ${DB_SETTING}, and that this user may read and write it.`;
  })();
  return new StartupError(message, { cause: err });
}

/** Where a PostgreSQL URL points, without its password: host, port, database and user. */
function pgTarget(url: string): { host: string; port: string; database: string; user: string } {
  try {
    const u = new URL(url);
    const param = (k: string) => u.searchParams.get(k);
    return {
      host: decodeURIComponent(u.hostname) || param('host') || 'localhost',
      port: u.port || param('port') || '5432',
      database: decodeURIComponent(u.pathname.slice(1)) || param('dbname') || '(the user name)',
      user: decodeURIComponent(u.username) || param('user') || '(the login user)',
    };
  } catch {
    return { host: '?', port: '?', database: '?', user: '?' };
  }
}

/** The PostgreSQL server could not be reached, refused the login, lacks the database, or holds a newer schema. */
export function postgresProblem(url: string, err: unknown): StartupError {
  const { host, port, database, user } = pgTarget(url);
  const at = `PostgreSQL at ${host.includes(':') ? `[${host}]` : host}:${port}`;
  // A code may sit on a wrapped cause (a failed migration) or on the first of several attempts (each address of a host name).
  const inner = (err as { cause?: unknown })?.cause ?? (err as { errors?: unknown[] })?.errors?.[0];
  const code = codeOf(err) ?? codeOf(inner) ?? '';
  const reason = reasonOf(err) || reasonOf(inner);
  const message = (() => {
    switch (code) {
      case 'ECONNREFUSED':
        return `cannot reach ${at}: connection refused (no server listens there). Start PostgreSQL, or fix the host and port in ${PG_SETTING}.`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_NONAME':
        return `cannot reach ${at}: the host name ${host} does not resolve. Fix the host in ${PG_SETTING}.`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `cannot reach ${at}: ${code === 'ETIMEDOUT' ? 'no answer' : 'no route to that host'} (a firewall, or the wrong host?). Fix the host and port in ${PG_SETTING}.`;
      case '28P01':
      case '28000':
        return `${at} refused the login of user "${user}" (PostgreSQL: ${reason}). Fix the user name and password in ${PG_SETTING}, or let that user in (CREATE ROLE / pg_hba.conf).`;
      case '3D000':
        return `the database "${database}" does not exist on ${at}. Create it (createdb ${database}, owned by "${user}"), or fix the database name in ${PG_SETTING}.`;
      case '42501':
        return `the PostgreSQL user "${user}" may not create Greenlight's tables in "${database}" (PostgreSQL: ${reason}). Make that user the database's owner, or grant it CREATE on the schema.`;
      case '57P03':
      case '53300':
        return `${at} does not take connections now (PostgreSQL: ${reason}). Start Greenlight again once it does, or raise max_connections.`;
      default:
        if (/timeout|timed out/i.test(reason)) return `cannot reach ${at}: no answer in time (a firewall, or the wrong host?). Fix the host and port in ${PG_SETTING}.`;
        if (/\bSSL\b/.test(reason)) return `${at}: ${reason}. Set sslmode in the URL (${PG_SETTING}) to what the server offers.`;
        if (/newer than this Greenlight/.test(reason)) return `the database "${database}" on ${at}: ${reason}`;
        return `cannot open the database "${database}" on ${at}: ${reason}. Check ${PG_SETTING}.`;
    }
  })();
  return new StartupError(message, { cause: err });
}
