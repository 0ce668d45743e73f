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
//   - may serve HTTP routes (webhooks, confirmation pages);
//   - may say how it is doing (`health`: inbound traffic, facts worth showing); what it sent and
//     failed to send, and its outbox backlog, are counted for it (./health.ts).
// What it offers an approver is not its own to decide: the choices, the inputs they need and what
// is held back when the action was cut come from ./offer.ts, the card's pieces from ./card.ts, and
// a button or link that decides without a sign-in carries a token from ./action-token.ts. A new
// channel is a renderer of those plus a transport. Secrets in the action are masked before any of
// it is shown (`ctx.secrets`, src/secrets/): a channel renders the masked copy, never the stored one.
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
import type { Sessions } from '../sessions/service.js';
import type { SecretMasker } from '../secrets/masker.js';
import type { Digest } from '../insights/digest.js';

export interface ChannelContext {
  gate: Gate;
  store: Store;
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /**
   * What a channel shows of a request: `secrets.shown(request)` masks every secret in it (never
   * render the stored request itself; cardFor does this for you). Decide from the stored request.
   */
  secrets: SecretMasker;
  /** Agent sessions (src/sessions/): chat channels may let approvers drive them. */
  sessions?: Sessions;
  /** Base URL humans reach the server at (links in messages). */
  publicUrl: string;
  /** Work that must run on one instance at a time (long polling, IMAP polling) registers here. */
  leader: Leadership;
  /** Whether an approver has a second factor set up (step-up); absent: assume so, and let the gate say. */
  stepUpEnrolled?: (approver: string) => Promise<boolean>;
  /**
   * Approvers (config) who may decide `request` on this server, by routing (never its filer). For
   * a request a workflow covers: those its ladder has asked so far on `channel` (./workflow-view.ts).
   */
  approversFor(request: ApprovalRequest, channel?: string): ApproverIdentity[];
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
  /**
   * Sends the insights digest (src/insights/digest.ts) to `target` (null: the channel's own
   * default destination). Render `digestText(digest)` — plain lines, agent text already clipped
   * and its invisible characters written out — escaped for your format. Called by the outbox
   * worker for `digest` items; throw DeliveryError as in `send`. A channel without it cannot be
   * insights.digest.channel.
   */
  sendDigest?(digest: Digest, target: string | null): Promise<void>;
  /** How the channel is doing, beyond what is counted for it (optional). Must not do I/O. */
  health?(): ChannelHealth;
  /** HTTP routes the channel serves (mounted on the main app). */
  routes?(): Hono<AppEnv>;
  /** Starts background work. Called once, after the HTTP server listens. Polling that must run once across instances registers with `ctx.leader` instead of starting here. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Whether inbound traffic (clicks, replies, webhook calls) reaches the channel. */
export interface InboundHealth {
  /** `idle`: nothing has come in since the start; `ok`: the last did; `failing`: the last failed. */
  state: 'idle' | 'ok' | 'failing';
  /** When the last inbound traffic came (epoch ms), or null. */
  at: number | null;
  detail: string | null;
}

export interface ChannelHealth {
  inbound?: InboundHealth;
  /** Facts worth showing an operator (mode, server, how many chats): short values, no secrets. */
  detail?: Record<string, string | number | boolean | null>;
}

/** A channel factory: validates its config section and builds the channel without I/O. */
export type ChannelFactory = (ctx: ChannelContext) => Channel | null;
