// Expiry is swept by the server, not checked lazily: one timer set for the earliest deadline,
// re-armed when a request with an earlier deadline is created. On several instances it runs on
// the leader only (the server registers it with the cluster); gate.decide still fails closed on
// an overdue request anywhere. The same timer moves escalation ladders on (gate.escalateDue): it is
// armed for the earlier of the next deadline and the next ladder step, both read from the store,
// so a restart or a new leader picks up where the last one stopped.
import type { EventBus } from './core/events.js';
import type { Gate } from './core/gate.js';
import type { Clock } from './core/ids.js';
import type { Logger } from './log.js';
import type { Store } from './store/store.js';

/** Longest a timer is set for, so clock jumps and missed events heal. */
const MAX_SLEEP_MS = 60_000;

export function createExpiryScheduler(deps: { gate: Gate; store: Store; clock: Clock; events: EventBus; logger: Logger }) {
  let timer: NodeJS.Timeout | null = null;
  let armedFor: number | null = null;
  let running = false;
  let stopped = true;
  let unsubscribe: (() => void) | null = null;

  const arm = (at: number) => {
    if (stopped) return;
    if (timer && armedFor !== null && armedFor <= at) return;
    if (timer) clearTimeout(timer);
    const delay = Math.max(0, Math.min(MAX_SLEEP_MS, at - deps.clock.now()));
    armedFor = deps.clock.now() + delay;
    timer = setTimeout(sweep, delay);
    timer.unref?.();
  };

  async function sweep() {
    timer = null;
    armedFor = null;
    if (running || stopped) return;
    running = true;
    try {
      const n = await deps.gate.expireDue();
      if (n) deps.logger.info('expired requests', { count: n });
      const moved = await deps.gate.escalateDue();
      if (moved) deps.logger.info('escalation ladders moved on', { count: moved });
      // Meta entries past their expiry (sessions, used link nonces) go in the same sweep.
      await deps.store.purgeExpiredMeta(deps.clock.now(), 1000);
      const next = [await deps.store.nextExpiry(), await deps.store.nextWorkflowWake()].filter((t): t is number => t !== null);
      arm(next.length ? Math.min(...next) : deps.clock.now() + MAX_SLEEP_MS);
    } catch (err) {
      deps.logger.error('expiry sweep failed; retrying in 5 s', { err });
      arm(deps.clock.now() + 5000);
    } finally {
      running = false;
    }
  }

  return {
    start() {
      stopped = false;
      unsubscribe = deps.events.subscribe((e) => {
        if (e.request.status !== 'pending') return;
        if (e.type === 'request.created') arm(e.request.expires_at);
        const wake = e.request.workflow?.next_at;
        if ((e.type === 'request.created' || e.type === 'request.updated') && wake != null) arm(wake);
      });
      arm(deps.clock.now());
    },
    stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      timer = null;
    },
    /** Runs a sweep now (tests with a manual clock). */
    sweepNow: sweep,
  };
}
