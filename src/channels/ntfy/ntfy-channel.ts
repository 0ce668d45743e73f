// The ntfy channel: phone push through a self-hosted or public ntfy server. A renderer
// (notification.ts, over the channel-neutral card and offer) plus a transport (one JSON publish per
// outbox item) plus one inbound route (act-route.ts) for its Approve / Deny buttons.
//   plan   — which topics hear of a request (server routing: the project's ntfy routes, else
//            channels.ntfy.topics; a topic bound to an approver only when they decide it), and a
//            replacement of each notification once the request is settled. Pure.
//   send   — publishes; 429 and 5xx are retried by the outbox, other refusals go dead at once.
//   routes — POST /v1/ntfy/act, where a button's token decides.
// See docs/channels/ntfy.md.
import { newId } from '../../core/ids.js';
import type { ApprovalRequest, RequestEvent } from '../../core/types.js';
import { DeliveryError } from '../../delivery/delivery-error.js';
import { parseRetryAfter } from '../../delivery/http-sender.js';
import type { OutboxInput, OutboxItem } from '../../store/store.js';
import { newNonce, resolveTokenSecret, singleUse, tokenExpiry, tokenKit } from '../action-token.js';
import type { Channel, ChannelContext, ChannelFactory } from '../channel.js';
import { digestTarget } from '../digest-target.js';
import { inboundTracker } from '../health.js';
import { actRoutes } from './act-route.js';
import { authHeader, parseNtfySettings, type NtfySettings } from './config.js';
import { announcement, MAX_MESSAGE_BYTES, settled, type NtfyMessage } from './notification.js';
import { digestText } from '../../insights/digest.js';

/** Cuts text to at most `max` UTF-8 bytes, on a character boundary, marking the cut. */
function clipBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > max - 4) break;
    out += ch;
  }
  return `${out}…`;
}

export const NTFY = 'ntfy';
const SECRET_META_KEY = 'ntfy:action_secret';

/** One topic a request goes to, and whose buttons it carries (null: a shared topic, Open only). */
export interface Destination {
  topic: string;
  approver: string | null;
}

/**
 * The topics that hear of a request: the project's ntfy routes (the one the agent hinted, if it is
 * among them), else the configured topics. A topic bound to an approver is used only when that
 * approver decides the request; a shared topic always (its notifications only open the dashboard).
 */
export function destinationsFor(request: ApprovalRequest, settings: NtfySettings, ctx: Pick<ChannelContext, 'config' | 'approversFor'>): Destination[] {
  const project = request.project ? ctx.config.projects.find((p) => p.name === request.project) : undefined;
  const routes = (project?.routes ?? []).filter((r) => r.channel === NTFY).map((r) => r.target);
  const bound = (topic: string): Destination => settings.topics.find((t) => t.topic === topic) ?? { topic, approver: null };
  let pool: Destination[] = routes.length ? routes.map(bound) : settings.topics;
  if (request.target && (request.channel === null || request.channel === NTFY) && pool.some((d) => d.topic === request.target)) pool = pool.filter((d) => d.topic === request.target);
  const deciders = new Set(ctx.approversFor(request).map((a) => a.name));
  const out = pool.filter((d) => d.approver === null || deciders.has(d.approver));
  return [...new Map(out.map((d) => [d.topic, d])).values()];
}

type Payload = { op: 'announce' | 'update'; topic: string };

const parsePayload = (p: Record<string, unknown>): Payload | null =>
  (p.op === 'announce' || p.op === 'update') && typeof p.topic === 'string' ? { op: p.op, topic: p.topic } : null;

export interface NtfyChannelOptions {
  /** The fetch to publish with (tests may hand in another). */
  fetch?: typeof fetch;
}

export function createNtfyChannelFactory(options: NtfyChannelOptions = {}): ChannelFactory {
  return (ctx) => {
    const settings = parseNtfySettings(ctx.config);
    if (!settings) return null;
    return createNtfyChannel(ctx, settings, options);
  };
}

export function createNtfyChannel(ctx: ChannelContext, settings: NtfySettings, options: NtfyChannelOptions = {}): Channel {
  const { store, clock, logger } = ctx;
  const doFetch = options.fetch ?? fetch;
  const kit = tokenKit(NTFY, 'action');
  const once = singleUse(store, NTFY);
  const inbound = inboundTracker(clock);
  let secretP: Promise<string> | null = null;
  const secret = () => (secretP ??= resolveTokenSecret(store, settings.action_secret, SECRET_META_KEY, 'glnt').catch((err) => ((secretP = null), Promise.reject(err))));
  const publicUrl = () => ctx.publicUrl.replace(/\/+$/, '');
  const view = () => ({ publicUrl: publicUrl(), secrets: ctx.secrets });

  async function publish(message: NtfyMessage): Promise<string | null> {
    let res: Response;
    try {
      res = await doFetch(`${settings.server_url}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authHeader(settings) },
        body: JSON.stringify(message),
        redirect: 'error',
        signal: AbortSignal.timeout(settings.timeout_ms),
      });
    } catch (err) {
      throw new DeliveryError(`ntfy: ${settings.server_url} cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    const text = (await res.text().catch(() => '')).slice(0, 2000);
    if (res.ok) {
      ctx.metrics.inc('greenlight_ntfy_published_total', { result: 'ok' });
      try {
        const id = (JSON.parse(text) as { id?: unknown }).id;
        return typeof id === 'string' ? id : null;
      } catch {
        return null;
      }
    }
    ctx.metrics.inc('greenlight_ntfy_published_total', { result: 'failed' });
    const said = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    const hint = res.status === 401 || res.status === 403 ? ' (check channels.ntfy.access_token, or username and password, and that they may publish to the topic)' : '';
    const retry = res.status === 429 || res.status >= 500;
    throw new DeliveryError(`ntfy answered ${res.status} for topic ${message.topic}${hint}${said ? `: ${said}` : ''}`, {
      permanent: !retry && res.status !== 408,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after') ?? undefined, clock.now()),
      status: res.status,
    });
  }

  async function announce(r: ApprovalRequest, d: Destination): Promise<void> {
    const now = clock.now();
    if (r.status !== 'pending' || r.expires_at <= now) return; // settled first: the update says so
    const key = d.approver !== null ? await secret() : null;
    const expiresAt = tokenExpiry(r.expires_at, now, settings.action_ttl_sec);
    const mint = key && d.approver ? (choice: 'approve' | 'deny') => kit.sign(key, { requestId: r.id, approver: d.approver!, action: choice, expiresAt, nonce: newNonce() }) : null;
    const id = await publish(announcement(r, d.topic, view(), mint));
    await store.addChannelMessage({ request_id: r.id, channel: NTFY, target: d.topic, message_id: id ?? r.id, created_at: now });
    // Settled while we published? Replace it now: the update item may have run before we recorded it.
    const current = await store.getRequest(r.id);
    if (current && current.status !== 'pending') await publish(settled(current, d.topic, view()));
  }

  async function update(r: ApprovalRequest, topic: string): Promise<void> {
    const sent = (await store.listChannelMessages(r.id)).some((m) => m.channel === NTFY && m.target === topic);
    if (!sent) {
      const waiting = (await store.listOutbox({ request_id: r.id, state: 'pending', limit: 100 })).some((i) => i.kind === NTFY && (i.payload as Partial<Payload>).op === 'announce' && (i.payload as Partial<Payload>).topic === topic);
      if (waiting) throw new DeliveryError('waiting for the announcement on this topic to go out first', { retryAfterMs: 1000 });
      return; // never announced there: nothing to replace
    }
    await publish(settled(r, topic, view()));
  }

  const item = (r: ApprovalRequest, at: number, payload: Payload): OutboxInput => ({ id: newId('dlv', at), kind: NTFY, target: payload.topic, request_id: r.id, payload, created_at: at, next_attempt_at: at });

  return {
    name: NTFY,

    plan(event: RequestEvent) {
      const r = event.request;
      if (event.type === 'request.created') {
        if (r.status !== 'pending') return []; // the policy decided: no human was asked
        return destinationsFor(r, settings, ctx).map((d) => item(r, event.at, { op: 'announce', topic: d.topic }));
      }
      if (r.decision?.decided_by_kind === 'policy' && r.decision.decided_at === r.created_at) return [];
      return destinationsFor(r, settings, ctx).map((d) => item(r, event.at, { op: 'update', topic: d.topic }));
    },

    destinations: (r: ApprovalRequest) => destinationsFor(r, settings, ctx).map((d) => d.topic),

    // The digest goes to a configured topic only (target, else the first of channels.ntfy.topics), as plain text.
    async sendDigest(digest, target) {
      const topic = digestTarget(NTFY, target, settings.topics.map((t) => t.topic), ctx.config, 'channels.ntfy.topics');
      const { title, lines } = digestText(digest);
      await publish({ topic, sequence_id: `digest-${digest.to}`, title, message: clipBytes(lines.join('\n'), MAX_MESSAGE_BYTES), priority: 2, tags: ['bar_chart'], click: digest.url, actions: [] });
    },

    async send(o: OutboxItem) {
      const payload = parsePayload(o.payload);
      if (!payload) throw new DeliveryError(`ntfy outbox item ${o.id} has an unknown payload`, { permanent: true });
      const r = o.request_id ? await store.getRequest(o.request_id) : null;
      if (!r) throw new DeliveryError(`request ${o.request_id} does not exist any more`, { permanent: true });
      if (payload.op === 'update') return update(r, payload.topic);
      const d = destinationsFor(r, settings, ctx).find((x) => x.topic === payload.topic);
      if (!d) return void logger.info('ntfy: topic no longer routed for this request; not sending', { request_id: r.id, topic: payload.topic });
      return announce(r, d);
    },

    routes: () => actRoutes({ ctx, kit, once, secret, inbound, settings }),

    async start() {
      if (!ctx.config.server.public_url) logger.warn('ntfy: server.public_url is not set, so the buttons and Open link point at this machine; phones need a URL they can reach');
      if (!settings.access_token && !settings.username) logger.warn('ntfy: no access_token: anyone who knows a topic name can read its notifications and press their buttons; use unguessable topics, or a token (docs/channels/ntfy.md)');
      try {
        const res = await doFetch(`${settings.server_url}/v1/health`, { signal: AbortSignal.timeout(settings.timeout_ms) });
        if (!res.ok) logger.error(`ntfy: ${settings.server_url}/v1/health answered ${res.status}; notifications wait in the outbox until it is healthy`);
      } catch (err) {
        logger.error(`ntfy: ${settings.server_url} cannot be reached (${(err as Error).message}); notifications wait in the outbox until it can`);
      }
    },

    health: () => ({ inbound: inbound.snapshot(), detail: { server: settings.server_url, topics: settings.topics.length, auth: settings.access_token ? 'token' : settings.username ? 'basic' : 'none' } }),
  };
}

/** The ntfy channel as configured under `channels.ntfy` (null when that section is absent). */
export const ntfyChannelFactory: ChannelFactory = createNtfyChannelFactory();
