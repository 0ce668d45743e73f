// The email channel: announces each pending request to its routed approvers by SMTP, threads the
// outcome into the same conversation, serves the confirmation pages behind its links, and turns
// replies (IMAP or a provider's webhook) into decisions. See docs/channels/email.md.
import { Hono } from 'hono';
import nodemailer from 'nodemailer';
import { newId } from '../../core/ids.js';
import type { ApprovalRequest } from '../../core/types.js';
import { DeliveryError } from '../../delivery/delivery-error.js';
import type { AppEnv } from '../../http/context.js';
import type { OutboxItem } from '../../store/store.js';
import type { ApproverIdentity, Channel, ChannelContext } from '../channel.js';
import { inboundTracker } from '../health.js';
import { mailTruncates, offeredActions, type EmailAction } from './actions.js';
import { parseEmailConfig, smtpOptions, type EmailConfig } from './config.js';
import { confirmRoutes } from './confirm-routes.js';
import { createImapPoller, openImapMailbox, type ImapPoller, type MailSource } from './imap-poller.js';
import { inboxRoute } from './inbox-route.js';
import { handleInbound } from './inbound.js';
import { linkExpiry, newNonce, replyToken, resolveLinkSecret, signLink } from './links.js';
import { renderAnnouncement, renderUpdate, type RenderedMail } from './render.js';
import { escapeHtml } from './escape.js';
import { digestText } from '../../insights/digest.js';

export const EMAIL_CHANNEL = 'email';

interface EmailPayload {
  type: 'announce' | 'update';
  approver: string;
  event: string;
}

/** What the channel needs of nodemailer (a test may hand in another). */
export interface MailTransport {
  sendMail(mail: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** The channel, plus one handle for operators and tests: read the IMAP mailbox now. */
export interface EmailChannel extends Channel {
  /** One IMAP poll now (0 when IMAP is not configured or the channel is not started). */
  pollInbox(): Promise<number>;
}

export interface EmailChannelOptions {
  transport?: MailTransport;
  /** Opens the IMAP mailbox (default: imapflow on channels.email.imap). */
  openMailbox?: () => Promise<MailSource>;
}

/** `<req_….alice@greenlight>`: stable per request and approver, so a resent mail is the same mail. */
export function messageIdFor(requestId: string, approver: string, suffix = ''): string {
  const safe = Array.from(Buffer.from(approver, 'utf8'), (b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).padStart(2, '0')}`)).join('');
  return `<${requestId}.${safe}${suffix ? `.${suffix}` : ''}@greenlight>`;
}

/** The channel factory for CHANNEL_FACTORIES: null when `channels.email` is absent. */
export function emailChannelFactory(ctx: ChannelContext): Channel | null {
  const raw = ctx.config.channels[EMAIL_CHANNEL];
  if (raw === undefined || raw === null) return null;
  return createEmailChannel(ctx, parseEmailConfig(raw));
}

export function createEmailChannel(ctx: ChannelContext, cfg: EmailConfig, options: EmailChannelOptions = {}): EmailChannel {
  const { store, logger, clock } = ctx;
  if (!ctx.config.approvers.some((a) => a.email)) {
    logger.warn('channels.email is set but no approver has an email: add one under approvers[] or no mail is sent');
  }
  if (cfg.replyLocal.length + 44 > 64) {
    logger.warn('email: the reply address local part is long; reply addresses will exceed 64 characters, which some servers refuse', { local: cfg.replyLocal });
  }
  let transport: MailTransport | null = options.transport ?? null;
  let poller: ImapPoller | null = null;
  let secretP: Promise<string> | null = null;
  const secret = () => (secretP ??= resolveLinkSecret(store, cfg.link_secret).catch((err) => ((secretP = null), Promise.reject(err))));
  const publicUrl = () => (cfg.public_url ?? ctx.publicUrl).replace(/\/+$/, '');
  const inboundDeps = { ctx, cfg, secret, via: EMAIL_CHANNEL };
  // Whether replies and link clicks reach the channel, for /v1/channels: a reply handled (IMAP or
  // the inbox webhook), a link that decided, and whether the IMAP mailbox can be opened.
  const inbound = inboundTracker(clock);
  const receive = async (raw: string | Uint8Array, how: string) => {
    const result = await handleInbound(raw, inboundDeps);
    inbound.ok(`a reply came in (${how})`);
    return result;
  };

  /** Routed approvers with an address; an email route target of the request narrows them. */
  function recipients(r: ApprovalRequest): (ApproverIdentity & { email: string })[] {
    const all = ctx.approversFor(r).filter((a): a is ApproverIdentity & { email: string } => Boolean(a.email));
    if (r.channel === EMAIL_CHANNEL && r.target) {
      const narrowed = all.filter((a) => a.email.toLowerCase() === r.target!.toLowerCase());
      if (narrowed.length) return narrowed;
    }
    return all;
  }

  async function deliver(to: string, mail: RenderedMail, headers: { messageId: string; inReplyTo?: string; replyTo: string; requestId: string }) {
    transport ??= nodemailer.createTransport(smtpOptions(cfg)) as unknown as MailTransport;
    try {
      await transport.sendMail({
        from: cfg.from,
        to,
        replyTo: headers.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: headers.messageId,
        ...(headers.inReplyTo ? { inReplyTo: headers.inReplyTo, references: headers.inReplyTo } : {}),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Greenlight-Request': headers.requestId },
      });
      ctx.metrics.inc('greenlight_email_sent_total', { result: 'ok' });
    } catch (err) {
      ctx.metrics.inc('greenlight_email_sent_total', { result: 'failed' });
      const e = err as { responseCode?: number; code?: string; message?: string };
      // 5xx (mailbox unknown, message refused) will not change on retry; auth and network may.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'EAUTH';
      throw new DeliveryError(`SMTP: ${e.message ?? String(err)}`, { permanent, cause: err });
    }
  }

  async function announce(r: ApprovalRequest, approver: ApproverIdentity & { email: string }) {
    const now = clock.now();
    // Decided or expired before this mail went out: the update mail (if any) tells the story.
    if (r.status !== 'pending' || r.expires_at <= now) return;
    const key = await secret();
    const actions = offeredActions(r);
    const expiresAt = linkExpiry(r.expires_at, now, cfg.link_ttl_sec);
    const links = new Map<EmailAction, string>(actions.map((action) => [action, `${publicUrl()}/email/a/${signLink(key, { requestId: r.id, approver: approver.name, action, expiresAt, nonce: newNonce() })}`]));
    const mail = renderAnnouncement({ request: r, approver: approver.name, actions, links, truncated: mailTruncates(r) });
    const messageId = messageIdFor(r.id, approver.name);
    await deliver(approver.email, mail, { messageId, replyTo: replyAddress(key, r.id, approver.name), requestId: r.id });
    await store.addChannelMessage({ request_id: r.id, channel: EMAIL_CHANNEL, target: approver.email, message_id: messageId, created_at: now });
  }

  async function update(r: ApprovalRequest, approver: ApproverIdentity & { email: string }) {
    const refs = await store.listChannelMessages(r.id);
    const ref = refs.find((m) => m.channel === EMAIL_CHANNEL && m.target.toLowerCase() === approver.email.toLowerCase());
    if (!ref) {
      // The announcement may still be on its way (being sent, or waiting for a retry): the update
      // waits for it, so the thread does not end with links that no longer work and no outcome.
      const pending = await store.listOutbox({ request_id: r.id, state: 'pending', limit: 100 });
      const announcing = pending.some((i) => i.kind === EMAIL_CHANNEL && (i.payload as Partial<EmailPayload>).type === 'announce' && (i.payload as Partial<EmailPayload>).approver === approver.name);
      if (announcing) throw new DeliveryError('waiting for the announcement to this approver to go out first', { retryAfterMs: 1000 });
      return; // never announced to them: nothing to update
    }
    const key = await secret();
    await deliver(approver.email, renderUpdate(r), { messageId: messageIdFor(r.id, approver.name, r.status), inReplyTo: ref.message_id, replyTo: replyAddress(key, r.id, approver.name), requestId: r.id });
  }

  const replyAddress = (key: string, requestId: string, approver: string) => `${cfg.replyLocal}+${replyToken(key, requestId, approver)}@${cfg.replyDomain}`;

  return {
    name: EMAIL_CHANNEL,

    plan(event) {
      const r = event.request;
      let type: EmailPayload['type'];
      if (event.type === 'request.created') {
        if (r.status !== 'pending') return []; // the policy decided: no human was asked
        type = 'announce';
      } else {
        if (r.decision?.via === 'policy') return [];
        type = 'update';
      }
      return recipients(r).map((a) => ({
        id: newId('eml', event.at),
        kind: EMAIL_CHANNEL,
        target: a.email,
        request_id: r.id,
        payload: { type, approver: a.name, event: event.type } satisfies EmailPayload,
        created_at: event.at,
        next_attempt_at: event.at,
      }));
    },

    destinations: (r) => recipients(r).map((a) => a.email),

    async send(item: OutboxItem) {
      const p = item.payload as unknown as EmailPayload;
      const stored = item.request_id ? await store.getRequest(item.request_id) : null;
      if (!stored) return;
      // Every mail shows the request with its secrets masked.
      const r = ctx.secrets.shown(stored);
      const approver = recipients(r).find((a) => a.name === p.approver);
      if (!approver) {
        logger.info('email: approver no longer routed for this request; not sending', { request_id: r.id, approver: p.approver });
        return;
      }
      if (p.type === 'announce') await announce(r, approver);
      else await update(r, approver);
    },

    routes() {
      const app = new Hono<AppEnv>();
      app.route('/', confirmRoutes({ ctx, cfg, secret, via: EMAIL_CHANNEL, publicUrl, inbound }));
      app.route('/', inboxRoute(cfg, (raw) => receive(raw, 'webhook')));
      return app;
    },

    async start() {
      const imap = cfg.imap;
      if (!imap && !options.openMailbox) return;
      const open = options.openMailbox ?? (() => openImapMailbox(imap!.url, imap!.mailbox, logger));
      poller = createImapPoller({
        open: () =>
          open().then(
            (mailbox) => (inbound.snapshot().state !== 'ok' && inbound.ok('IMAP mailbox reachable'), mailbox),
            (err: unknown) => (inbound.failed(`IMAP: ${(err as Error)?.message ?? String(err)}`), Promise.reject(err)),
          ),
        handle: async (raw) => {
          const result = await receive(raw, 'IMAP');
          logger.info('email: inbound reply', { ...result });
          return result;
        },
        intervalMs: (imap?.poll_interval_sec ?? 60) * 1000,
        logger,
      });
      // One mailbox, one reader: on several instances only the leader polls it.
      const imapPoller = poller;
      ctx.leader.register({ name: 'email IMAP polling', start: () => imapPoller.start(), stop: () => imapPoller.stop() });
    },

    pollInbox: () => poller?.pollOnce() ?? Promise.resolve(0),

    // The digest goes to one approver's address (target), else to every approver with an address; never elsewhere.
    async sendDigest(digest, target) {
      const known = ctx.config.approvers.map((a) => a.email).filter((e): e is string => Boolean(e));
      const to = target === null ? known : known.filter((e) => e.toLowerCase() === target.toLowerCase());
      if (to.length === 0) throw new DeliveryError(`email: the digest address ${JSON.stringify(target)} is not an approver's email (approvers[].email)`, { permanent: true });
      const { title, lines } = digestText(digest);
      const html = `<!doctype html><html><body><h2>${escapeHtml(title)}</h2>${lines.map((l) => (l ? `<p>${escapeHtml(l)}</p>` : '')).join('')}</body></html>`;
      const messageId = `<digest-${digest.to}@${cfg.fromAddress.split('@')[1] ?? 'greenlight'}>`;
      for (const address of to) await deliver(address, { subject: title, text: lines.join('\n'), html }, { messageId, replyTo: cfg.fromAddress, requestId: 'digest' });
    },

    health: () => ({ inbound: inbound.snapshot(), detail: { smtp: new URL(cfg.smtp_url).hostname, from: cfg.fromAddress, imap: cfg.imap !== null } }),

    async stop() {
      await poller?.stop();
      poller = null;
      transport?.close();
    },
  };
}
