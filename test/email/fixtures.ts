// The email channel's test parts: a real SMTP server on loopback (smtp-server) that hands each
// message to postal-mime, a server with the email channel on, a browser-like client for the
// confirmation pages, and raw MIME replies.
import { after, before } from 'node:test';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import PostalMime, { type Email } from 'postal-mime';
import { emailChannelFactory } from '../../src/channels/email/email-channel.js';
import type { ServerOptions } from '../../src/server.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

export const LINK_SECRET = 'test-link-secret-0123456789abcdef-0123456789';
export const INBOUND_SECRET = 'test-inbound-secret-0123456789';

export interface ReceivedMail {
  raw: string;
  envelope: { from: string; to: string[] };
  parsed: Email;
  header(name: string): string | undefined;
}

/** What the server says to a RCPT TO: null accepts; an Error with responseCode refuses. */
export type RcptPolicy = (address: string, attempt: number) => (Error & { responseCode?: number }) | null;

export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  private waiters: { ready: () => boolean; resolve: () => void }[] = [];
  private attempts = 0;
  rcptPolicy: RcptPolicy = () => null;
  private constructor(
    private server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<TestSmtp> {
    let self!: TestSmtp;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address: SMTPServerAddress, _session, cb) {
        self.attempts++;
        const refusal = self.rcptPolicy(address.address, self.attempts);
        cb(refusal ?? undefined);
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
          PostalMime.parse(raw).then((parsed) => {
            self.mails.push({ raw, envelope, parsed, header: (n) => parsed.headers.find((h) => h.key === n.toLowerCase())?.value });
            self.waiters = self.waiters.filter((w) => (w.ready() ? (w.resolve(), false) : true));
            cb();
          }, cb);
        });
      },
    });
    const port: number = await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
    });
    self = new TestSmtp(server, port);
    return self;
  }

  /** Resolves with every mail matching `pred` once there are `count` of them (received before or after the call). */
  waitFor(pred: (m: ReceivedMail) => boolean, count = 1): Promise<ReceivedMail[]> {
    const matching = () => this.mails.filter(pred);
    if (matching().length >= count) return Promise.resolve(matching());
    return new Promise((resolve) => this.waiters.push({ ready: () => matching().length >= count, resolve: () => resolve(matching()) }));
  }

  /** The mails about one request (X-Greenlight-Request), once there are `count`. */
  forRequest(id: string, count = 1): Promise<ReceivedMail[]> {
    return this.waitFor((m) => m.header('x-greenlight-request') === id, count);
  }

  /** The announcement of a request to one approver. */
  async announcement(id: string, to = 'alice@example.com'): Promise<ReceivedMail> {
    const [m] = await this.waitFor((x) => x.header('x-greenlight-request') === id && !x.parsed.inReplyTo && x.envelope.to[0].toLowerCase() === to.toLowerCase());
    return m;
  }

  /** The update (a reply in the thread) about a request to one approver. */
  async update(id: string, to = 'alice@example.com'): Promise<ReceivedMail> {
    const [m] = await this.waitFor((x) => x.header('x-greenlight-request') === id && Boolean(x.parsed.inReplyTo) && x.envelope.to[0].toLowerCase() === to.toLowerCase());
    return m;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const APPROVERS = [
  { name: 'alice', key: KEYS.approver, email: 'alice@example.com' },
  // bob decides project "ops" only: requests without a project are not his.
  { name: 'bob', key: KEYS.otherApprover, email: 'Bob@Example.com', projects: ['ops'] },
];

export function emailSection(smtp: TestSmtp, over: Record<string, unknown> = {}) {
  return {
    smtp_url: `smtp://127.0.0.1:${smtp.port}`,
    from: 'Greenlight <approvals@example.com>',
    link_secret: LINK_SECRET,
    inbound_secret: INBOUND_SECRET,
    ...over,
  };
}

export async function startEmailServer(smtp: TestSmtp, overrides: Record<string, unknown> = {}, options: ServerOptions = {}, email: Record<string, unknown> = {}): Promise<TestServer> {
  return startTestServer(
    {
      approvers: APPROVERS,
      projects: [{ name: 'ops' }],
      delivery: { backoff_base_ms: 10, backoff_max_ms: 50 },
      channels: { email: emailSection(smtp, email) },
      ...overrides,
    },
    { channels: [emailChannelFactory], ...options },
  );
}

/**
 * For a suite: starts a loopback SMTP server and a server with the email channel before its tests
 * and stops both after; the returned object holds them once started.
 */
export function emailSuite(...args: Parameters<typeof startEmailServer> extends [unknown, ...infer Rest] ? Rest : never): { smtp: TestSmtp; s: TestServer } {
  const rig = {} as { smtp: TestSmtp; s: TestServer };
  before(async () => {
    rig.smtp = await TestSmtp.start();
    rig.s = await startEmailServer(rig.smtp, ...args);
  });
  after(async () => {
    await rig.s?.stop();
    await rig.smtp?.close();
  });
  return rig;
}

/**
 * Resolves when `check` returns a value other than undefined (polls the store; no fixed sleeps).
 * Gives up after `ms` with `what`: a test whose condition never comes fails, and its file ends,
 * instead of polling on after the test's own timeout and holding the whole run open.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, what = 'the condition', ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let filed = 0;

/**
 * Files a request as agent-a and returns its id. Each gets its own action and session, so a
 * session or always grant given on one does not let the policy approve the next.
 */
export async function fileRequest(s: TestServer, body: Record<string, unknown> = {}): Promise<string> {
  const n = ++filed;
  const r = await s.call('agent', 'POST', '/v1/requests', { title: 'Deploy webapp', preview: `kubectl rollout restart deploy/web-${n}`, session_id: `sess-${n}`, ...body });
  if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
  return r.body.id;
}

/** label → URL of every action link in a mail's text part. */
export function linksOf(mail: ReceivedMail): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (mail.parsed.text ?? '').matchAll(/^ {2}(.+?): (http:\/\/\S+\/email\/a\/\S+)$/gm)) out.set(m[1], m[2]);
  return out;
}

export const tokenOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

export interface OpenedPage {
  status: number;
  html: string;
  headers: Headers;
  cookie: string | null;
  csrf: string | null;
}

/** GET a link as a browser would; keeps the CSRF cookie and token. */
export async function openLink(url: string, headers: Record<string, string> = {}): Promise<OpenedPage> {
  const res = await fetch(url, { headers });
  const html = await res.text();
  const set = res.headers.getSetCookie().find((c) => c.startsWith('gl_csrf_'));
  return { status: res.status, html, headers: res.headers, cookie: set ? set.split(';')[0] : null, csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? null };
}

/** Submits the confirmation form of an opened page. */
export async function submit(url: string, page: Pick<OpenedPage, 'cookie' | 'csrf'>, fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}): Promise<{ status: number; html: string }> {
  const form = new URLSearchParams();
  if (page.csrf) form.set('csrf', page.csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(page.cookie ? { cookie: page.cookie } : {}), ...headers }, body: form });
  return { status: res.status, html: await res.text() };
}

/** Open the link, then press its button. */
export async function decideByLink(url: string, fields: Record<string, string | string[]> = {}) {
  const page = await openLink(url);
  if (page.status !== 200) throw new Error(`page ${page.status}: ${page.html.slice(0, 300)}`);
  return submit(url, page, fields);
}

/** A reply as a mail client writes it (plain text unless `html` is given). */
export function rawReply(opts: { from: string; to: string; subject?: string; text?: string; html?: string; inReplyTo?: string; headers?: Record<string, string> }): string {
  const head = [
    `From: ${opts.from}`,
    `To: ${opts.to}`,
    `Subject: ${opts.subject ?? 'Re: approval'}`,
    'Date: Tue, 06 Jan 2026 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@mail.example.com>`,
    ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`, `References: ${opts.inReplyTo}`] : []),
    ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
  ];
  if (opts.html !== undefined) return [...head, 'Content-Type: text/html; charset=utf-8', '', opts.html, ''].join('\r\n');
  return [...head, 'Content-Type: text/plain; charset=utf-8', '', opts.text ?? '', ''].join('\r\n');
}

/** An IMAP mailbox stand-in behind the poller's MailSource interface (imapflow is the real one). */
export class FakeMailbox {
  readonly messages: { uid: number; source: Uint8Array; seen: boolean }[] = [];
  opened = 0;
  closed = 0;
  /** Set: the server refuses the login with this message. */
  down: string | null = null;
  private uid = 0;

  add(raw: string): number {
    this.messages.push({ uid: ++this.uid, source: new TextEncoder().encode(raw), seen: false });
    return this.uid;
  }

  open = async () => {
    if (this.down) throw new Error(this.down);
    this.opened++;
    const box = this;
    return {
      async *unseen() {
        for (const m of box.messages.filter((x) => !x.seen)) yield { uid: m.uid, source: m.source };
      },
      async markSeen(uid: number) {
        box.messages.find((m) => m.uid === uid)!.seen = true;
      },
      async close() {
        box.closed++;
      },
    };
  };
}

/** The reply address (Reply-To) and Message-ID of a request's announcement to an approver. */
export async function replyTarget(smtp: TestSmtp, id: string, to = 'alice@example.com') {
  const m = await smtp.announcement(id, to);
  return { to: m.parsed.replyTo![0].address!, messageId: m.parsed.messageId!, subject: m.parsed.subject!, text: m.parsed.text! };
}
