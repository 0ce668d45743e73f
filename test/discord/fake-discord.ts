// A loopback stand-in for Discord, both halves of it:
//  - its REST API, strict about what Greenlight sends: the bot token as `Authorization: Bot …`, a
//    DiscordBot User-Agent, JSON bodies with only the fields Discord knows, embeds and components
//    within Discord's limits (title 256, description 4096, 25 fields of 1024, 6000 in all; five
//    action rows of up to five buttons or one select menu; custom_id ≤ 100, unique in a message),
//    and `allowed_mentions: {parse: []}` on every message (Greenlight's own rule: refused without
//    it). Refusals look like Discord's (`{"code": 50035, "message": "Invalid Form Body", ...}`). It
//    keeps every message and every edit, honours enforce_nonce, and can fail: drop connections,
//    answer 5xx, or rate-limit with 429 and retry_after;
//  - its interactions: a person clicking a button, picking from a select menu or submitting a
//    modal, sent to Greenlight's endpoint signed with a real Ed25519 key pair made for the test,
//    and Greenlight's answer applied as Discord applies it (UPDATE_MESSAGE edits the card).
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const APP_ID = '1100000000000000001';
export const BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GxYzAb.fake-token-for-loopback-tests_0123456789';

export interface Message {
  id: string;
  channel_id: string;
  embeds: any[];
  components: any[];
  allowed_mentions: unknown;
  nonce?: string;
  /** Every body this message was created and edited with, oldest first. */
  history: { via: 'create' | 'edit' | 'interaction'; body: any }[];
}

export interface Answer {
  status: number;
  body: any;
}

const MESSAGE_FIELDS = new Set(['content', 'embeds', 'components', 'allowed_mentions', 'nonce', 'enforce_nonce', 'flags']);
const EMBED_FIELDS = new Set(['title', 'url', 'description', 'color', 'fields', 'footer', 'timestamp', 'author']);

let sequence = 0n;
/** Snowflake-shaped ids, increasing. */
export const snowflake = (): string => (1200000000000000000n + ++sequence).toString();

export class FakeDiscord {
  readonly messages = new Map<string, Message>();
  /** Every REST call that reached the fake: method, path, accepted or not. */
  readonly calls: { method: string; path: string; status: number; auth: string | null }[] = [];
  /** Answers written over deferred interaction answers (PATCH …/messages/@original), by interaction token. */
  readonly originals = new Map<string, any>();
  /** `refuse`: drop every connection; a number: answer with that status; `rate`: 429 with retry_after. */
  outage: 'refuse' | number | { rate: number } | null = null;
  /** Create the next this-many messages, then drop the connection before answering (the answer is lost). */
  loseAnswers = 0;
  readonly publicKeyHex: string;
  private readonly privateKey: KeyObject;
  private readonly tokens = new Set<string>();
  private server!: Server;
  greenlightUrl = '';

  private constructor(readonly channels: Map<string, number>) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKeyHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  }

  /** `channels`: channel id → status GET /channels/{id} answers (200: the bot sees it). */
  static async start(channels: Record<string, number>): Promise<FakeDiscord> {
    const f = new FakeDiscord(new Map(Object.entries(channels)));
    f.server = createServer((req, res) => void f.handle(req, res).catch((err) => (res.headersSent ? res.end() : f.send(res, 500, { message: String(err), code: 0 }))));
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    return f;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v10`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  inChannel(channelId: string): Message[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  // ---- REST ----

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private invalid(res: ServerResponse, problem: string): void {
    this.send(res, 400, { code: 50035, errors: { _errors: [{ code: 'BASE_TYPE_INVALID', message: problem }] }, message: 'Invalid Form Body' });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.outage === 'refuse') return void req.socket.destroy();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '').replace(/^\/api\/v10/, '');
    const record = (status: number) => this.calls.push({ method: req.method ?? '', path, status, auth: req.headers.authorization ?? null });
    if (typeof this.outage === 'number') {
      record(this.outage);
      return this.send(res, this.outage, { message: 'outage', code: 0 });
    }
    if (this.outage && typeof this.outage === 'object') {
      record(429);
      return this.send(res, 429, { message: 'You are being rate limited.', retry_after: this.outage.rate, global: false }, { 'retry-after': String(Math.ceil(this.outage.rate)) });
    }
    if (!String(req.headers['user-agent'] ?? '').startsWith('DiscordBot (')) return record(400), this.send(res, 400, { message: 'A DiscordBot User-Agent is required', code: 0 });
    const webhook = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path);
    if (!webhook && req.headers.authorization !== `Bot ${BOT_TOKEN}`) return record(401), this.send(res, 401, { message: '401: Unauthorized', code: 0 });
    let body: any = null;
    if (chunks.length) {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return record(400), this.invalid(res, 'JSON bodies only');
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return record(400), this.send(res, 400, { message: 'The request body contains invalid JSON.', code: 50109 });
      }
    }
    const status = this.route(req.method ?? '', path, webhook, body, res);
    record(status);
  }

  private route(method: string, path: string, webhook: RegExpExecArray | null, body: any, res: ServerResponse): number {
    if (method === 'GET' && path === '/users/@me') return this.send(res, 200, { id: APP_ID, username: 'Greenlight Test', discriminator: '0', bot: true }), 200;
    let m = /^\/channels\/(\d+)$/.exec(path);
    if (method === 'GET' && m) {
      const status = this.channels.get(m[1]) ?? 404;
      if (status === 200) return this.send(res, 200, { id: m[1], type: 0, name: 'approvals' }), 200;
      return this.send(res, status, status === 403 ? { message: 'Missing Access', code: 50001 } : { message: 'Unknown Channel', code: 10003 }), status;
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && m) {
      if (this.channels.get(m[1]) !== 200) return this.send(res, 403, { message: 'Missing Access', code: 50001 }), 403;
      const problem = checkMessage(body);
      if (problem) return this.invalid(res, problem), 400;
      if (body.enforce_nonce && body.nonce !== undefined) {
        const earlier = this.inChannel(m[1]).find((x) => x.nonce === body.nonce);
        if (earlier) return this.send(res, 200, this.view(earlier)), 200;
      }
      const message: Message = { id: snowflake(), channel_id: m[1], embeds: body.embeds ?? [], components: body.components ?? [], allowed_mentions: body.allowed_mentions, nonce: body.nonce, history: [{ via: 'create', body }] };
      this.messages.set(message.id, message);
      if (this.loseAnswers > 0) {
        this.loseAnswers--;
        res.socket?.destroy();
        return 0;
      }
      return this.send(res, 200, this.view(message)), 200;
    }
    m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (method === 'PATCH' && m) {
      const message = this.messages.get(m[2]);
      if (!message || message.channel_id !== m[1]) return this.send(res, 404, { message: 'Unknown Message', code: 10008 }), 404;
      const problem = checkMessage(body);
      if (problem) return this.invalid(res, problem), 400;
      this.apply(message, body, 'edit');
      return this.send(res, 200, this.view(message)), 200;
    }
    if (method === 'PATCH' && webhook) {
      if (webhook[1] !== APP_ID || !this.tokens.has(decodeURIComponent(webhook[2]))) return this.send(res, 404, { message: 'Unknown Webhook', code: 10015 }), 404;
      if (body?.allowed_mentions === undefined || JSON.stringify(body.allowed_mentions) !== '{"parse":[]}') return this.invalid(res, 'Greenlight must send allowed_mentions {"parse":[]}'), 400;
      this.originals.set(decodeURIComponent(webhook[2]), body);
      return this.send(res, 200, { id: snowflake(), ...body }), 200;
    }
    return this.send(res, 404, { message: '404: Not Found', code: 0 }), 404;
  }

  private apply(message: Message, body: any, via: 'edit' | 'interaction'): void {
    if (body.embeds !== undefined) message.embeds = body.embeds;
    if (body.components !== undefined) message.components = body.components;
    message.allowed_mentions = body.allowed_mentions;
    message.history.push({ via, body });
  }

  private view(m: Message) {
    return { id: m.id, channel_id: m.channel_id, embeds: m.embeds, components: m.components, author: { id: APP_ID, bot: true }, nonce: m.nonce };
  }

  // ---- interactions, as Discord sends them ----

  /** Signs `raw` as Discord does (timestamp + body, Ed25519) at `at` (seconds). */
  signed(raw: string, at = Math.floor(Date.now() / 1000)): Record<string, string> {
    const timestamp = String(at);
    return { 'content-type': 'application/json', 'x-signature-ed25519': sign(null, Buffer.from(timestamp + raw), this.privateKey).toString('hex'), 'x-signature-timestamp': timestamp, 'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)' };
  }

  /** Posts a body to Greenlight's interactions endpoint with the headers given (default: signed now). */
  async post(raw: string, headers: Record<string, string> = this.signed(raw)): Promise<Answer> {
    const res = await fetch(`${this.greenlightUrl}/v1/discord/interactions`, { method: 'POST', headers, body: raw });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  }

  /** An interaction body from `user` on `message` (type 3 component or 5 modal submit). */
  interaction(type: number, user: string, message: Message | null, data: Record<string, unknown>): Record<string, any> {
    const token = `tok-${snowflake()}-${'x'.repeat(40)}`;
    this.tokens.add(token);
    return {
      id: snowflake(),
      application_id: APP_ID,
      type,
      token,
      version: 1,
      guild_id: '1300000000000000001',
      channel_id: message?.channel_id ?? '1300000000000000002',
      member: { user: { id: user, username: `user${user.slice(-3)}`, global_name: null }, roles: [], permissions: '0' },
      ...(message ? { message: this.view(message) } : {}),
      data,
      locale: 'en-US',
    };
  }

  /** Sends an interaction and applies Greenlight's answer as Discord does; returns the answer. */
  async interact(body: Record<string, any>, message: Message | null): Promise<Answer> {
    const answer = await this.post(JSON.stringify(body));
    if (answer.status === 200 && answer.body?.type === 7 && message) {
      assert.equal(JSON.stringify(answer.body.data.allowed_mentions), '{"parse":[]}', 'an updated card must say allowed_mentions {parse: []}');
      const problem = checkMessage(answer.body.data);
      assert.equal(problem, null, `Discord would refuse this UPDATE_MESSAGE: ${problem}`);
      this.apply(message, answer.body.data, 'interaction');
    }
    if (answer.status === 200 && answer.body?.type === 4) assert.equal(JSON.stringify(answer.body.data.allowed_mentions), '{"parse":[]}', 'an answer must say allowed_mentions {parse: []}');
    if (answer.status === 200 && answer.body?.type === 9) assert.equal(checkModal(answer.body.data), null, `Discord would refuse this modal: ${checkModal(answer.body.data)}`);
    return answer;
  }

  /** `user` presses the button labelled `label` (a prefix) on `message`. */
  click(message: Message, label: string, user: string): Promise<Answer> {
    const b = buttonOf(message, label);
    return this.interact(this.interaction(3, user, message, { custom_id: b.custom_id, component_type: 2 }), message);
  }

  /** `user` picks `values` in the message's select menu. */
  pick(message: Message, values: string[], user: string): Promise<Answer> {
    const select = message.components.flatMap((r: any) => r.components).find((c: any) => c.type === 3);
    assert.ok(select, 'the card has no select menu');
    return this.interact(this.interaction(3, user, message, { custom_id: select.custom_id, component_type: 3, values }), message);
  }

  /** `user` submits the modal Greenlight opened, with `values` by input custom_id (or by position: f0, f1, …). */
  submit(message: Message, modal: any, values: Record<string, string>, user: string): Promise<Answer> {
    const components = modal.components.map((row: any) => ({ type: 1, components: row.components.map((i: any) => ({ type: 4, custom_id: i.custom_id, value: values[i.custom_id] ?? i.value ?? '' })) }));
    return this.interact(this.interaction(5, user, message, { custom_id: modal.custom_id, components }), message);
  }
}

export function buttonOf(message: Message, label: string): any {
  const b = message.components.flatMap((r: any) => r.components).find((c: any) => c.type === 2 && String(c.label).startsWith(label));
  assert.ok(b, `no "${label}" button: ${labelsOf(message).join(', ')}`);
  return b;
}

export const labelsOf = (message: Message): string[] => message.components.flatMap((r: any) => r.components).map((c: any) => (c.type === 3 ? `[select ${c.options.length}]` : c.label));

/** What Discord refuses in a message body (create, edit, UPDATE_MESSAGE), or null. */
export function checkMessage(b: any): string | null {
  if (typeof b !== 'object' || b === null) return 'body must be an object';
  for (const k of Object.keys(b)) if (!MESSAGE_FIELDS.has(k)) return `unknown field ${k}`;
  if (JSON.stringify(b.allowed_mentions) !== '{"parse":[]}') return 'Greenlight must send allowed_mentions {"parse":[]} on every message';
  if (b.content !== undefined && (typeof b.content !== 'string' || b.content.length > 2000)) return 'content: at most 2000 characters';
  if (b.nonce !== undefined && (typeof b.nonce !== 'string' || b.nonce.length > 25)) return 'nonce: at most 25 characters';
  const embeds = b.embeds ?? [];
  if (!Array.isArray(embeds) || embeds.length > 10) return 'embeds: at most 10';
  let total = 0;
  for (const e of embeds) {
    for (const k of Object.keys(e)) if (!EMBED_FIELDS.has(k)) return `unknown embed field ${k}`;
    if (e.title !== undefined && (typeof e.title !== 'string' || e.title.length > 256)) return 'embed title: at most 256';
    if (e.description !== undefined && (typeof e.description !== 'string' || e.description.length > 4096)) return 'embed description: at most 4096';
    if (e.url !== undefined && !/^https?:\/\//.test(e.url)) return 'embed url: http(s) only';
    if (e.footer && (typeof e.footer.text !== 'string' || e.footer.text.length > 2048)) return 'embed footer: at most 2048';
    const fields = e.fields ?? [];
    if (fields.length > 25) return 'embed fields: at most 25';
    for (const f of fields) {
      if (typeof f.name !== 'string' || !f.name || f.name.length > 256) return 'field name: 1–256';
      if (typeof f.value !== 'string' || !f.value || f.value.length > 1024) return `field value: 1–1024 (${f.name}: ${String(f.value).length})`;
      total += f.name.length + f.value.length;
    }
    total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text ?? '').length;
  }
  if (total > 6000) return `embeds: ${total} characters, more than 6000 in all`;
  const rows = b.components ?? [];
  if (!Array.isArray(rows) || rows.length > 5) return 'components: at most 5 action rows';
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.type !== 1 || !Array.isArray(row.components) || row.components.length === 0 || row.components.length > 5) return 'an action row holds 1–5 components';
    const selects = row.components.filter((c: any) => c.type === 3).length;
    if (selects && row.components.length !== 1) return 'a select menu fills its row alone';
    for (const c of row.components) {
      if (c.type === 2) {
        if (typeof c.label !== 'string' || c.label.length > 80) return 'button label: at most 80';
        if (c.style === 5 ? !/^https?:\/\//.test(c.url ?? '') || c.custom_id !== undefined : !(c.style >= 1 && c.style <= 4) || c.url !== undefined) return 'button: a link has a url and no custom_id; others a custom_id';
      } else if (c.type === 3) {
        if (!Array.isArray(c.options) || c.options.length < 1 || c.options.length > 25) return 'select: 1–25 options';
        if (c.options.some((o: any) => typeof o.label !== 'string' || o.label.length > 100 || typeof o.value !== 'string' || o.value.length > 100 || (o.description !== undefined && o.description.length > 100))) return 'select option: label, value and description at most 100';
        if (!(c.min_values >= 0 && c.max_values >= 1 && c.max_values <= c.options.length && c.min_values <= c.max_values)) return 'select: bad min_values / max_values';
        if (c.placeholder !== undefined && c.placeholder.length > 150) return 'select placeholder: at most 150';
      } else return `component type ${c.type} is not allowed in a message row`;
      if (c.custom_id !== undefined) {
        if (typeof c.custom_id !== 'string' || c.custom_id.length < 1 || c.custom_id.length > 100) return 'custom_id: 1–100 characters';
        if (ids.has(c.custom_id)) return `custom_id ${c.custom_id} used twice`;
        ids.add(c.custom_id);
      }
    }
  }
  return null;
}

/** What Discord refuses in a modal, or null. */
export function checkModal(m: any): string | null {
  if (typeof m?.custom_id !== 'string' || m.custom_id.length > 100) return 'modal custom_id: at most 100';
  if (typeof m.title !== 'string' || m.title.length < 1 || m.title.length > 45) return 'modal title: 1–45';
  if (!Array.isArray(m.components) || m.components.length < 1 || m.components.length > 5) return 'a modal holds 1–5 rows';
  for (const row of m.components) {
    if (row.type !== 1 || row.components?.length !== 1 || row.components[0].type !== 4) return 'each modal row holds one text input';
    const t = row.components[0];
    if (typeof t.label !== 'string' || t.label.length < 1 || t.label.length > 45) return `text input label: 1–45 (${t.label})`;
    if (![1, 2].includes(t.style)) return 'text input style: 1 or 2';
    if (t.value !== undefined && t.value.length > 4000) return 'text input value: at most 4000';
    if (t.placeholder !== undefined && t.placeholder.length > 100) return 'text input placeholder: at most 100';
    if (t.max_length !== undefined && (t.max_length < 1 || t.max_length > 4000)) return 'text input max_length: 1–4000';
  }
  return null;
}
