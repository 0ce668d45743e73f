// The Slack channel's Socket Mode: a websocket Greenlight opens to Slack with the app-level token
// (apps.connections.open, then the URL it returns), over which Slack delivers clicks, submitted
// modals and the slash command, each in an envelope that is acknowledged on the same socket. Works
// behind NAT. Slack spreads envelopes over every open connection of an app, so on several
// instances only the cluster's leader connects (registered with ctx.leader by slack-channel.ts).
// @slack/socket-mode is loaded only here, only in this mode. Its own reconnect is off: this loop
// reconnects with backoff, so a failed reconnect is a logged retry, never an unhandled rejection.
// Envelopes are acted on once (transport.ts); a malformed one is acknowledged (so Slack does not
// resend it), logged with what is wrong, and otherwise ignored.
import type { SocketModeClient } from '@slack/socket-mode';
import { setTimeout as delay } from 'node:timers/promises';
import { MAX_JSON_DEPTH } from '../../core/bounded-json.js';
import { isGreenlightError } from '../../core/errors.js';
import { slackLogger } from './api.js';
import type { SlackDeps } from './deps.js';
import type { Handled, Inbound } from './inbound.js';
import { nestsTooDeep } from './payload.js';
import { firstSeen, type AfterWork } from './transport.js';

export interface SocketOptions {
  /** Wait before reconnect attempt n (1, 2, …) after a failure. */
  backoffMs?: (failures: number) => number;
}

type Envelope = { ack: (body?: Record<string, unknown>) => Promise<void>; envelope_id?: string; type?: string; body?: unknown };

const defaultBackoff = (n: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, n - 1));

export function createSocket(deps: SlackDeps, inbound: Inbound, after: AfterWork, options: SocketOptions = {}) {
  const { ctx, settings } = deps;
  const { logger } = ctx;
  const backoff = options.backoffMs ?? defaultBackoff;
  let abort: AbortController | null = null;
  let loop: Promise<void> | null = null;
  let connected = false;

  /** Waits `ms`, or less when the loop is stopped; never throws. */
  const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

  async function onEnvelope(e: Envelope): Promise<void> {
    const ack = (body?: Record<string, unknown> | null) => e.ack(body ?? undefined).catch((err: unknown) => logger.warn('slack: could not acknowledge an envelope', { err: (err as Error).message }));
    try {
      if (typeof e.envelope_id !== 'string' || !(await firstSeen(ctx.store, `envelope:${e.envelope_id}`, ctx.clock.now()))) {
        ctx.metrics.inc('greenlight_slack_refused_total', { reason: 'replayed' });
        return void (await ack());
      }
      let handled: Handled = { ack: null };
      if (nestsTooDeep(e.body)) {
        logger.warn('slack: refused a Socket Mode envelope nested too deep', { type: e.type, max_depth: MAX_JSON_DEPTH });
        return void (await ack());
      }
      const size = e.body && typeof e.body === 'object' ? JSON.stringify(e.body).length : 0;
      if ((e.type === 'interactive' || e.type === 'slash_commands') && size > ctx.config.server.body_limit_bytes) {
        logger.warn('slack: refused an oversized Socket Mode envelope', { type: e.type, bytes: size, limit: ctx.config.server.body_limit_bytes });
        return void (await ack());
      }
      if (e.type === 'interactive') handled = await inbound.interaction(e.body);
      else if (e.type === 'slash_commands') handled = await inbound.command(fieldsOf(e.body));
      await ack(handled.ack);
      after.schedule(handled);
    } catch (err) {
      await ack();
      if (isGreenlightError(err) && err.status < 500) return void logger.warn('slack: refused a Socket Mode envelope', { type: e.type, code: err.code, error: err.message });
      logger.error('slack: handling a Socket Mode envelope failed', { type: e.type, err });
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    const { SocketModeClient } = await import('@slack/socket-mode');
    let failures = 0;
    while (!signal.aborted) {
      const client: SocketModeClient = new SocketModeClient({
        appToken: settings.app_token!,
        autoReconnectEnabled: false,
        logger: slackLogger(logger, 'slack socket'),
        clientOptions: { slackApiUrl: `${settings.api_url}/`, retryConfig: { retries: 0 }, timeout: settings.timeout_ms },
      });
      client.on('slack_event', (e: Envelope) => void onEnvelope(e));
      const closed = new Promise<void>((resolve) => client.once('disconnected', () => resolve()));
      const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      try {
        await Promise.race([client.start(), stopped]);
        if (!signal.aborted) {
          failures = 0;
          connected = true;
          deps.inbound.ok('connected');
          logger.info('slack: Socket Mode connected');
          await Promise.race([closed, stopped]);
          if (!signal.aborted) logger.info('slack: Socket Mode connection closed; reconnecting');
        }
      } catch (err) {
        failures++;
        const message = (err as Error)?.message ?? String(err);
        deps.inbound.failed(`Socket Mode: ${message}`);
        const hint = /invalid_auth|not_authed|token_revoked|account_inactive/.test(message) ? ' (check channels.slack.app_token: an app-level token xapp-… with connections:write)' : '';
        logger.error(`slack: Socket Mode could not connect${hint}; retrying`, { error: message, retry_in_ms: backoff(failures) });
      } finally {
        connected = false;
        client.removeAllListeners('slack_event');
        await Promise.race([client.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
      }
      if (!signal.aborted) await sleep(failures ? backoff(failures) : 100, signal);
    }
  }

  return {
    start(): void {
      if (loop) return;
      abort = new AbortController();
      loop = run(abort.signal).catch((err: unknown) => logger.error('slack: Socket Mode stopped', { err }));
    },
    async stop(): Promise<void> {
      abort?.abort();
      await loop;
      loop = null;
      abort = null;
    },
    isConnected: () => connected,
  };
}

/** A slash command's fields as Socket Mode sends them (a JSON object of strings). */
function fieldsOf(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

export type SlackSocket = ReturnType<typeof createSocket>;
