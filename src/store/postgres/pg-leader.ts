// Leader election by a Postgres advisory lock. Each instance keeps one dedicated connection that
// asks for the leader lock with pg_advisory_lock, which blocks until it is granted: no instance
// polls. The instance holding it runs the leader's tasks (createLocalLeadership) until its
// connection ends. When the leader dies, its connection closes (a killed process's socket is
// closed by the kernel; a vanished host is found by the server's TCP keepalives, set to about
// ten seconds here), Postgres releases the lock, and the next waiting instance gets it at once.
// When this instance loses its connection while leading, it stops the tasks before anything else.
import pg from 'pg';
import { createLocalLeadership, type Leadership } from '../../cluster/cluster.js';
import type { Logger } from '../../log.js';
import { ADVISORY_NAMESPACE, LOCK } from './pg-locks.js';

export interface PgLeadership extends Leadership {
  start(): void;
  close(): Promise<void>;
}

/** Server-side keepalives on the lock's session: a leader whose host vanished loses the lock in about 5 + 3 × 2 s. */
const KEEPALIVE = 'SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3';

export function createPgLeadership(deps: { url: string; logger: Logger; instanceId: string; onChange?: (leading: boolean) => void }): PgLeadership {
  const tasks = createLocalLeadership(deps.logger);
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function contend(): Promise<void> {
    const c = new pg.Client({ connectionString: deps.url, keepAlive: true, keepAliveInitialDelayMillis: 5000, application_name: `greenlight-leader:${deps.instanceId}` });
    let ended = false;
    const gone = new Promise<void>((resolve) => {
      c.on('error', (err) => {
        if (!closed) deps.logger.warn('leader: the lock connection failed', { err });
        ended = true;
        resolve();
      });
      c.on('end', () => {
        ended = true;
        resolve();
      });
    });
    client = c;
    try {
      await c.connect();
      await c.query(KEEPALIVE);
      // Postgres 14+: notice a client that went away while this session still waits for the lock.
      await c.query("SET client_connection_check_interval = '2s'").catch(() => {});
      await c.query('SELECT pg_advisory_lock($1, $2)', [ADVISORY_NAMESPACE, LOCK.leader]);
    } catch (err) {
      client = null;
      await c.end().catch(() => {});
      if (!closed) throw err;
      return;
    }
    if (closed || ended) {
      await c.end().catch(() => {});
      return;
    }
    deps.logger.info('leader: this instance leads now', { instance: deps.instanceId });
    deps.onChange?.(true);
    await tasks.lead();
    await gone;
    // The connection is gone, and with it the lock: stop at once, another instance may lead already.
    client = null;
    await tasks.resign();
    deps.onChange?.(false);
    if (!closed) deps.logger.warn('leader: lost the lock connection; stopped leader work, contending again', { instance: deps.instanceId });
  }

  function loop(delayMs: number): void {
    if (closed) return;
    retry = setTimeout(() => {
      retry = null;
      running = contend().then(
        () => loop(1000),
        (err) => {
          deps.logger.warn('leader: cannot reach Postgres to contend for the lock; retrying', { err, retry_in_ms: Math.min(delayMs * 2 || 1000, 10_000) });
          loop(Math.min(delayMs * 2 || 1000, 10_000));
        },
      );
    }, delayMs);
    retry.unref();
  }

  return {
    register: (task) => tasks.register(task),
    isLeader: () => tasks.isLeader(),
    start() {
      closed = false;
      loop(0);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const c = client;
      client = null;
      if (tasks.isLeader()) {
        // Hand over cleanly: stop the work first, then release the lock by ending the session.
        await tasks.resign();
        deps.onChange?.(false);
      }
      // Ending the session releases the lock, or abandons a wait for it (the server cancels it).
      await c?.end().catch(() => {});
      await running?.catch(() => {});
    },
  };
}
