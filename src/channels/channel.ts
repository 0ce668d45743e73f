// The channel interface: how humans hear of requests and answer them. Channels are plugins that
// know nothing of each other or of policy. A channel
//   - plans outbox items for an event (announce on created; update every message on decided,
//     expired, cancelled) — pure, written by the gate in the same transaction as the change;
//   - sends one of its outbox items (the worker retries failures with backoff; throw DeliveryError
//     from src/delivery for permanent failures or Retry-After);
//   - turns inbound traffic (a click, a reply, a link) into gate.decide with the approver's
//     principal and `via` = its name;
//   - says where the server's routing sends a request (`destinations`), so an agent's `target`
//     that names one of them is accepted as a hint (the same mechanism for every channel);
//   - may serve HTTP routes (webhooks, confirmation pages).
// What a channel shows of a request must be what runs: it leads with the action from
// actionAsItRuns (./action.ts), shows the agent's own description second and labelled as such,
// then the policy's reason; and it passes every piece of agent text through showInvisible
// (src/text/invisible.ts) before escaping it for its own format.
import type { Hono } from 'hono';
import type { Leadership } from '../cluster/cluster.js';
import type { Config } from '../config/schema.js';
import type { Gate } from '../core/gate.js';
import type { Clock } from '../core/ids.js';
import type { ApprovalRequest, Principal, RequestEvent } from '../core/types.js';
import type { AppEnv } from '../http/context.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../log.js';
import type { OutboxInput, OutboxItem, Store } from '../store/store.js';

export interface ChannelContext {
  gate: Gate;
  store: Store;
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Base URL humans reach the server at (links in messages). */
  publicUrl: string;
  /** Work that must run on one instance at a time (long polling, IMAP polling) registers here. */
  leader: Leadership;
  /** Approvers (config) who may decide `request` on this server, by routing (never its filer). */
  approversFor(request: ApprovalRequest): ApproverIdentity[];
  /** The approver a channel identity belongs to, as a principal for gate.decide (null: not an approver). */
  principalFor(identity: { telegram_user_id?: number; email?: string; slack_user_id?: string; discord_user_id?: string; name?: string }): Principal | null;
}

export interface ApproverIdentity {
  name: string;
  telegram_user_id?: number;
  email?: string;
  slack_user_id?: string;
  discord_user_id?: string;
}

export interface Channel {
  /** Also the outbox `kind` of its items and the `via` of its decisions. */
  readonly name: string;
  /** Outbox items this event causes on this channel. Must not do I/O. */
  plan(event: RequestEvent): OutboxInput[];
  /** Delivers one outbox item of kind `name`. */
  send(item: OutboxItem): Promise<void>;
  /**
   * The chats / addresses this channel announces `request` to by the server's own routing (the
   * request carries no agent target). An agent's `target` naming one of them is a hint, not a
   * breach. Pure, like `plan`; a channel without addressable destinations leaves it out.
   */
  destinations?(request: ApprovalRequest): string[];
  /** HTTP routes the channel serves (mounted on the main app). */
  routes?(): Hono<AppEnv>;
  /** Starts background work. Called once, after the HTTP server listens. Polling that must run once across instances registers with `ctx.leader` instead of starting here. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** A channel factory: validates its config section and builds the channel without I/O. */
export type ChannelFactory = (ctx: ChannelContext) => Channel | null;
