// `channels.email`: the email channel's own section of the config file, validated by the channel.
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';

const secret = (min: number, what: string) => z.string().min(min, `${what} must be at least ${min} characters`);

const urlWith = (protocols: string[], example: string) =>
  z
    .string()
    .url()
    .refine((u) => protocols.includes(new URL(u).protocol), `use ${protocols.map((p) => `${p}//`).join(' or ')} (e.g. ${example})`);

export const ImapConfigSchema = z
  .object({
    /** imaps://user:password@imap.example.com (TLS) or imap://... (STARTTLS when offered). */
    url: urlWith(['imap:', 'imaps:'], 'imaps://approvals%40example.com:app-password@imap.example.com'),
    /** A mailbox that holds only replies to Greenlight: every message in it is read and marked seen. */
    mailbox: z.string().min(1).default('INBOX'),
    poll_interval_sec: z.number().int().min(5).max(3600).default(60),
  })
  .strict();

export const EmailConfigSchema = z
  .object({
    /** smtps://user:pass@host:465 (TLS) or smtp://user:pass@host:587 (STARTTLS). */
    smtp_url: urlWith(['smtp:', 'smtps:'], 'smtps://user:password@smtp.example.com:465'),
    /** Null: STARTTLS is required unless the SMTP host is loopback. */
    require_tls: z.boolean().nullable().default(null),
    /** `Greenlight <approvals@example.com>` or a bare address. */
    from: z.string().min(3).max(300),
    /** Where replies go, if not the `from` address (e.g. a provider's inbound domain). */
    reply_address: z.string().email().nullable().default(null),
    /** Base URL of the links in mails (defaults to server.public_url). */
    public_url: z.string().url().nullable().default(null),
    /** Signs links and reply addresses. Generated once and kept in the store when unset. */
    link_secret: secret(32, 'channels.email.link_secret').nullable().default(null),
    /** Longest a link stays valid; a link never outlives its request. */
    link_ttl_sec: z.number().int().min(60).max(30 * 24 * 3600).default(24 * 3600),
    /** Lets a provider's inbound webhook post to /v1/inbox/email without an admin key. */
    inbound_secret: secret(24, 'channels.email.inbound_secret').nullable().default(null),
    imap: ImapConfigSchema.nullable().default(null),
    smtp_timeout_ms: z.number().int().min(1000).max(300_000).default(30_000),
  })
  .strict();

export type EmailConfigInput = z.input<typeof EmailConfigSchema>;

export interface EmailConfig extends z.output<typeof EmailConfigSchema> {
  /** The address of `from`, its display name, and the address replies are built on. */
  fromAddress: string;
  fromName: string | null;
  replyLocal: string;
  replyDomain: string;
}

const ADDRESS = z.string().email();

/** `Name <addr>` or `addr` → parts; null if it is neither. */
export function parseMailbox(value: string): { name: string | null; address: string } | null {
  const angled = /^\s*(?:"([^"]*)"|([^<>"]*?))\s*<([^<>\s]+)>\s*$/.exec(value);
  const address = angled ? angled[3] : value.trim();
  if (!ADDRESS.safeParse(address).success) return null;
  const name = angled ? (angled[1] ?? angled[2] ?? '').trim() : '';
  return { name: name || null, address };
}

/** Validates `channels.email`; throws one message that says what to fix. */
export function parseEmailConfig(raw: unknown): EmailConfig {
  const parsed = EmailConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - channels.email.${i.path.join('.') || '(section)'}: ${i.message}`);
    throw new ConfigError(`The email channel's config is not valid:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  const from = parseMailbox(cfg.from);
  if (!from) throw new ConfigError(`channels.email.from must be an address or "Name <address>"; got ${JSON.stringify(cfg.from)}.`);
  const replyBase = cfg.reply_address ?? from.address;
  const at = replyBase.lastIndexOf('@');
  const replyLocal = replyBase.slice(0, at);
  if (/["\s]/.test(replyLocal)) throw new ConfigError(`The reply address ${replyBase} has a quoted local part; use a plain one such as approvals@example.com.`);
  return { ...cfg, fromAddress: from.address, fromName: from.name, replyLocal, replyDomain: replyBase.slice(at + 1) };
}

/** nodemailer transport options from the SMTP URL. */
export function smtpOptions(cfg: Pick<EmailConfig, 'smtp_url' | 'require_tls' | 'smtp_timeout_ms'>) {
  const u = new URL(cfg.smtp_url);
  const secure = u.protocol === 'smtps:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  return {
    host,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    // Plain smtp:// upgrades with STARTTLS; refusing to send in the clear unless told or on loopback.
    requireTLS: !secure && (cfg.require_tls ?? !loopback),
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    connectionTimeout: cfg.smtp_timeout_ms,
    greetingTimeout: cfg.smtp_timeout_ms,
    socketTimeout: cfg.smtp_timeout_ms,
  };
}

/** imapflow connection options from the IMAP URL. */
export function imapOptions(url: string) {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
  };
}
