// The HTTP listener: opening the port (a failure becomes one StartupError that names the setting
// to change) and closing it in two steps for a graceful shutdown — stop accepting at once, let the
// connections still open finish their answers until a deadline, then cut whatever is left.
import { serve, type ServerType } from '@hono/node-server';
import { listenProblem } from './startup-error.js';

type Fetch = Parameters<typeof serve>[0]['fetch'];

const IDLE_SWEEP_MS = 50;

interface Closable {
  close(cb?: (err?: Error) => void): unknown;
  closeIdleConnections?: () => void;
  closeAllConnections?: () => void;
}

export function listen(fetch: Fetch, host: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const s = serve({ fetch, port, hostname: host }, () => {
      s.off('error', onError);
      resolve(s);
    });
    const onError = (err: unknown) => reject(listenProblem(host, port, err));
    s.once('error', onError);
  });
}

/** Resolves true when `work` settles before `deadline` (ms since the epoch), false when time ran out. */
export async function within(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const out = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => true, () => true), out]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops accepting connections now; resolves once every open one has ended, or at `deadline`,
 * when the rest are cut. Resolves true when none had to be cut.
 */
export async function closeListener(server: ServerType, deadline: number): Promise<boolean> {
  const s = server as unknown as Closable;
  const ended = new Promise<void>((resolve) => s.close(() => resolve()));
  // A keep-alive connection whose answer goes out during the drain turns idle afterwards, and the
  // client (undici keeps one 4 s, others longer) would hold the shutdown until it lets go: close
  // idle connections as they appear, not only those idle at the signal.
  s.closeIdleConnections?.();
  const sweep = setInterval(() => s.closeIdleConnections?.(), IDLE_SWEEP_MS);
  const clean = await within(ended, deadline).finally(() => clearInterval(sweep));
  if (!clean) {
    s.closeAllConnections?.();
    await ended;
  }
  return clean;
}
