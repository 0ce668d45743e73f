// A loopback stand-in for Slack, strict about what Greenlight sends and real about what it sends
// back. The Web API (`/api/<method>`): the bot token (or, for apps.connections.open, the app-level
// token) as a Bearer header, form or JSON arguments as @slack/web-api encodes them, Block Kit
// checked by Slack's rules (block-kit.ts), channels the bot must be a member of, direct messages
// by user id, trigger ids that open one modal each, the three-step file upload; every call
// recorded. A Socket Mode server (`/link`, a real websocket): hello, envelopes, acks, pings.
// Inbound, it acts as Slack does for a person: a click (block_actions), a submitted modal
// (view_submission, with state.values shaped by each element's type) and the slash command —
// POSTed to Greenlight signed with a real signing secret (v0 HMAC over the raw body), or sent as
// envelopes over the socket. A failure mode makes the Web API unreachable or answer 5xx / 429.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { blockKitProblem, checkBlocks, checkModal } from './block-kit.js';

export const BOT_TOKEN = 'xoxb-1111-2222-fakebottoken0123456789';
export const APP_TOKEN = 'xapp-1-A0FAKE-3333-fakeapptoken0123456789';
export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const TEAM = 'T0FAKE01';
export const APP = 'A0FAKE01';
export const BOT_USER = 'U0BOT0001';

export interface Call {
  method: string;
  args: Record<string, any>;
  auth: string | null;
  /** What the fake answered (ok, or the error). */
  ok: boolean;
  error?: string;
}

export interface Message {
  channel: string;
  ts: string;
  text: string;
  blocks: any[];
  thread_ts?: string;
  /** Every version, oldest first (the post, then each chat.update). */
  versions: { text: string; blocks: any[] }[];
}

export interface OpenedView {
  id: string;
  user: string;
  view: any;
}

/** The bot scope each Web API method needs (Slack's method reference); null: none. */
export const METHOD_SCOPES: Record<string, string | null> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'views.open': null,
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'apps.connections.open': null, // the app-level token's connections:write, not a bot scope
};

type Outage = null | 'refuse' | { status: number } | { ratelimited: number };

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly messages: Message[] = [];
  readonly ephemerals: { channel: string; user: string; text: string }[] = [];
  readonly views: OpenedView[] = [];
  readonly files: { id: string; filename: string; title: string; content: string; channel?: string; thread_ts?: string; comment?: string }[] = [];
  /** Channels that exist, and whether the bot is a member. */
  readonly channels = new Map<string, { member: boolean }>();
  outage: Outage = null;
  /** Socket Mode connections ever opened, and those open now. */
  socketsOpened = 0;
  readonly sockets = new Set<WebSocket>();
  /** Where HTTP-mode interactions go (Greenlight's base URL). */
  greenlightUrl: string | null = null;
  /** The secret HTTP-mode interactions are signed with. */
  signingSecret = SIGNING_SECRET;
  /** The bot token's scopes (null: every scope). A method needing another answers missing_scope. */
  scopes: Set<string> | null = null;
  /** Scopes the app used: each method's, and `commands` for every slash command sent. */
  readonly scopesUsed = new Set<string>();

  private server!: Server;
  private wss!: WebSocketServer;
  private seq = 0;
  private triggers = new Map<string, { user: string; used: boolean }>();
  private acks = new Map<string, (payload: any) => void>();
  private pinger: NodeJS.Timeout | null = null;

  static async start(): Promise<FakeSlack> {
    const f = new FakeSlack();
    f.server = createServer((req, res) => void f.handle(req, res).catch((err) => (res.writeHead(500), res.end(String(err)))));
    f.wss = new WebSocketServer({ noServer: true });
    f.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link') || f.outage === 'refuse') return void socket.destroy();
      f.wss.handleUpgrade(req, socket, head, (ws) => f.onSocket(ws));
    });
    f.pinger = setInterval(() => f.sockets.forEach((s) => s.ping()), 2000);
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    return f;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  async close(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages in a conversation (top level, not thread replies). */
  inChannel(channel: string): Message[] {
    return this.messages.filter((m) => m.channel === channel && !m.thread_ts);
  }

  /** The card of a request in a conversation (its last version), by the request id in its blocks. */
  cardOf(requestId: string, channel?: string): Message | undefined {
    return this.messages.find((m) => (channel === undefined || m.channel === channel) && JSON.stringify(m.blocks).includes(requestId));
  }

  /** Closes every Socket Mode connection (as Slack does when it refreshes them). */
  dropSockets(): void {
    for (const s of this.sockets) s.terminate();
  }

  // ---- The Web API ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.outage === 'refuse') return void req.socket.destroy();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (this.outage && 'status' in this.outage) return reply(this.outage.status, { ok: false, error: 'fake outage' });
    if (this.outage && 'ratelimited' in this.outage) return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(this.outage.ratelimited) });
    if (req.url?.startsWith('/upload/')) return this.upload(req, raw, reply);
    const m = /^\/api\/([A-Za-z.]+)$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') return reply(404, { ok: false, error: 'unknown_method' });
    const method = m[1];
    const args = this.argsOf(req, raw);
    const auth = req.headers.authorization ?? null;
    const answer = (body: Record<string, unknown>) => {
      this.calls.push({ method, args, auth, ok: body.ok === true, ...(body.ok ? {} : { error: String(body.error) }) });
      reply(200, body);
    };
    const wanted = method === 'apps.connections.open' ? APP_TOKEN : BOT_TOKEN;
    if (auth !== `Bearer ${wanted}`) return answer({ ok: false, error: auth ? 'invalid_auth' : 'not_authed' });
    if (!(method in METHOD_SCOPES)) return answer({ ok: false, error: 'unknown_method' });
    const needed = METHOD_SCOPES[method];
    if (needed && this.scopes && !this.scopes.has(needed)) return answer({ ok: false, error: 'missing_scope', needed });
    if (needed) this.scopesUsed.add(needed);
    answer(this.method(method, args));
  }

  private argsOf(req: IncomingMessage, raw: Buffer): Record<string, any> {
    const type = String(req.headers['content-type'] ?? '');
    const out: Record<string, any> = {};
    if (type.startsWith('application/json')) Object.assign(out, JSON.parse(raw.toString('utf8') || '{}'));
    else for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) out[k] = v;
    // @slack/web-api sends structured arguments as JSON strings inside the form.
    for (const k of ['blocks', 'view', 'files']) if (typeof out[k] === 'string') out[k] = JSON.parse(out[k]);
    return out;
  }

  private ts(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }

  private conversation(id: string): { channel: string } | { error: string } {
    if (/^[UW]/.test(id)) return { channel: `D${id.slice(1)}` }; // the app's DM with that user
    const c = this.channels.get(id);
    if (!c) return { error: 'channel_not_found' };
    return c.member ? { channel: id } : { error: 'not_in_channel' };
  }

  private method(method: string, a: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake Team', user: 'greenlight', team_id: TEAM, user_id: BOT_USER, bot_id: 'B0FAKE01' };
      case 'chat.postMessage': {
        const to = this.conversation(String(a.channel ?? ''));
        if ('error' in to) return { ok: false, error: to.error };
        const problem = this.messageProblem(a);
        if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
        const msg: Message = { channel: to.channel, ts: this.ts(), text: a.text, blocks: a.blocks, versions: [{ text: a.text, blocks: a.blocks }] };
        this.messages.push(msg);
        return { ok: true, channel: msg.channel, ts: msg.ts, message: { text: msg.text, blocks: msg.blocks } };
      }
      case 'chat.update': {
        const msg = this.messages.find((x) => x.channel === a.channel && x.ts === a.ts);
        if (!msg) return { ok: false, error: 'message_not_found' };
        const problem = this.messageProblem(a);
        if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
        msg.text = a.text;
        msg.blocks = a.blocks;
        msg.versions.push({ text: a.text, blocks: a.blocks });
        return { ok: true, channel: msg.channel, ts: msg.ts };
      }
      case 'chat.postEphemeral': {
        if (typeof a.user !== 'string' || typeof a.text !== 'string') return { ok: false, error: 'invalid_arguments' };
        const to = this.conversation(String(a.channel ?? ''));
        if ('error' in to) return { ok: false, error: to.error };
        this.ephemerals.push({ channel: String(a.channel), user: a.user, text: a.text });
        return { ok: true, message_ts: this.ts() };
      }
      case 'views.open': {
        const t = this.triggers.get(String(a.trigger_id));
        if (!t) return { ok: false, error: 'invalid_trigger_id' };
        if (t.used) return { ok: false, error: 'trigger_exchanged' };
        const problem = blockKitProblem(() => checkModal(a.view));
        if (problem) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [problem] } };
        t.used = true;
        const v: OpenedView = { id: `V${String(++this.seq).padStart(8, '0')}`, user: t.user, view: a.view };
        this.views.push(v);
        return { ok: true, view: { id: v.id, ...a.view } };
      }
      case 'files.getUploadURLExternal': {
        if (!a.filename || !Number(a.length)) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++this.seq).padStart(8, '0')}`;
        this.files.push({ id, filename: String(a.filename), title: '', content: '' });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = Array.isArray(a.files) ? a.files : [];
        const to = this.conversation(String(a.channel_id ?? ''));
        if ('error' in to) return { ok: false, error: to.error };
        for (const f of list) {
          const file = this.files.find((x) => x.id === f.id);
          if (!file) return { ok: false, error: 'file_not_found' };
          Object.assign(file, { title: f.title ?? '', channel: to.channel, thread_ts: a.thread_ts, comment: a.initial_comment });
        }
        return { ok: true, files: list.map((f: { id: string }) => ({ id: f.id })) };
      }
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=${randomBytes(8).toString('hex')}&app_id=${APP}` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private messageProblem(a: Record<string, any>): string | null {
    if (typeof a.text !== 'string' || a.text.length > 40_000) return 'text: a fallback text of at most 40000 characters is required';
    return blockKitProblem(() => checkBlocks(a.blocks, 'message'));
  }

  private async upload(req: IncomingMessage, raw: Buffer, reply: (s: number, b: unknown) => void): Promise<void> {
    const id = req.url!.slice('/upload/'.length);
    const file = this.files.find((f) => f.id === id);
    if (!file) return reply(404, { ok: false });
    const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: raw }).formData();
    const part = form.get('body') ?? form.get('file');
    file.content = typeof part === 'string' ? part : await (part as Blob).text();
    reply(200, { ok: true });
  }

  // ---- Socket Mode ----

  private onSocket(ws: WebSocket): void {
    this.socketsOpened++;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (msg.envelope_id) this.acks.get(msg.envelope_id)?.(msg.payload ?? {});
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'fake' }, connection_info: { app_id: APP } }));
  }

  /** Sends an envelope to one open connection; resolves with the ack's payload (rejects after 3 s, as Slack gives up). */
  envelope(type: 'interactive' | 'slash_commands', payload: unknown, envelopeId = randomBytes(8).toString('hex')): Promise<any> {
    const ws = [...this.sockets][0];
    if (!ws) return Promise.reject(new Error('no Socket Mode connection is open'));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => (this.acks.delete(envelopeId), reject(new Error(`envelope ${envelopeId} was not acknowledged within 3 s`))), 3000);
      this.acks.set(envelopeId, (p) => (clearTimeout(t), this.acks.delete(envelopeId), resolve(p)));
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
    });
  }

  // ---- Inbound, as Slack sends it for a person ----

  /** The signed HTTP request Slack would POST (a test may alter it). */
  signed(body: string, timestamp = Math.floor(Date.now() / 1000), secret = this.signingSecret): Record<string, string> {
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
  }

  async post(path: '/v1/slack/interactions' | '/v1/slack/commands', body: string, headers = this.signed(body)): Promise<{ status: number; body: any }> {
    if (!this.greenlightUrl) throw new Error('greenlightUrl is not set (HTTP mode)');
    const res = await fetch(`${this.greenlightUrl}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }

  /** Delivers an interaction payload the way the configured mode does; the answer is the acknowledgement. */
  async interact(payload: Record<string, unknown>, mode: 'http' | 'socket'): Promise<{ status: number; body: any }> {
    if (mode === 'socket') return { status: 200, body: await this.envelope('interactive', payload) };
    return this.post('/v1/slack/interactions', new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }

  private user(id: string) {
    return { id, username: `user-${id.toLowerCase()}`, name: `user-${id.toLowerCase()}`, team_id: TEAM };
  }

  /** A block_actions payload: `user` clicks the button with this action_id on `message`. */
  clickPayload(user: string, message: Message, actionId: string): Record<string, unknown> {
    let found: any = null;
    let blockId = '';
    for (const b of message.blocks) {
      for (const e of b.elements ?? (b.accessory ? [b.accessory] : [])) if (e.action_id === actionId) (found = e), (blockId = b.block_id);
    }
    if (!found) throw new Error(`no ${actionId} on the message: ${JSON.stringify(message.blocks.flatMap((b) => (b.elements ?? []).map((e: any) => e.action_id)))}`);
    const trigger = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    this.triggers.set(trigger, { user, used: false });
    return {
      type: 'block_actions',
      user: this.user(user),
      api_app_id: APP,
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      trigger_id: trigger,
      team: { id: TEAM, domain: 'fake' },
      channel: { id: message.channel, name: 'approvals' },
      message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
      response_url: `${this.url}/response/${randomBytes(6).toString('hex')}`,
      actions: [{ type: found.type, action_id: actionId, block_id: blockId, value: found.value, text: found.text, action_ts: `${Date.now() / 1000}` }],
    };
  }

  click(user: string, message: Message, actionId: string, mode: 'http' | 'socket') {
    return this.interact(this.clickPayload(user, message, actionId), mode);
  }

  /**
   * A view_submission of an opened modal, `values` by block_id as a person would enter them: text
   * for text and number inputs, the option's value for selects and radio buttons, a list for
   * checkboxes and multi-selects. Checked against the view as Slack's client would.
   */
  submitPayload(opened: OpenedView, values: Record<string, string | string[]>): Record<string, unknown> {
    const state: Record<string, Record<string, unknown>> = {};
    for (const b of opened.view.blocks.filter((x: any) => x.type === 'input')) {
      const e = b.element;
      const v = values[b.block_id];
      const optionOf = (value: string) => {
        const o = e.options.find((x: any) => x.value === value);
        if (!o) throw new Error(`${b.block_id}: ${value} is not an option of the modal`);
        return o;
      };
      let entry: Record<string, unknown>;
      switch (e.type) {
        case 'plain_text_input':
        case 'number_input':
          entry = { type: e.type, value: v === undefined ? (e.initial_value ?? null) : v };
          break;
        case 'static_select':
        case 'radio_buttons':
          entry = { type: e.type, selected_option: v === undefined ? null : optionOf(v as string) };
          break;
        default:
          entry = { type: e.type, selected_options: ((v as string[] | undefined) ?? []).map(optionOf) };
      }
      state[b.block_id] = { [e.action_id]: entry };
    }
    return {
      type: 'view_submission',
      team: { id: TEAM, domain: 'fake' },
      user: this.user(opened.user),
      api_app_id: APP,
      token: 'legacy-verification-token',
      trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
      view: { id: opened.id, team_id: TEAM, type: 'modal', ...opened.view, state: { values: state }, hash: randomBytes(6).toString('hex'), app_id: APP, bot_id: 'B0FAKE01' },
      response_urls: [],
    };
  }

  submit(opened: OpenedView, values: Record<string, string | string[]>, mode: 'http' | 'socket') {
    return this.interact(this.submitPayload(opened, values), mode);
  }

  commandFields(user: string, text: string, channel: string): Record<string, string> {
    return { token: 'legacy-verification-token', team_id: TEAM, team_domain: 'fake', channel_id: channel, channel_name: 'approvals', user_id: user, user_name: `user-${user.toLowerCase()}`, command: '/greenlight', text, api_app_id: APP, response_url: `${this.url}/response/x`, trigger_id: `${Date.now()}.1` };
  }

  async command(user: string, text: string, channel: string, mode: 'http' | 'socket'): Promise<{ status: number; body: any }> {
    const fields = this.commandFields(user, text, channel);
    if (this.scopes && !this.scopes.has('commands')) throw new Error('the app has no commands scope: Slack would not offer /greenlight');
    this.scopesUsed.add('commands');
    if (mode === 'socket') return { status: 200, body: await this.envelope('slash_commands', fields) };
    return this.post('/v1/slack/commands', new URLSearchParams(fields).toString());
  }
}
