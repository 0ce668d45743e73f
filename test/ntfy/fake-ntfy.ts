// A loopback stand-in for an ntfy server, strict about what Greenlight sends: JSON publishing to the
// root URL with only the fields ntfy knows, a topic and sequence id by ntfy's rules, at most three
// actions of the kinds ntfy has, a message under ntfy's 4,096-byte limit, and the configured
// credentials. Anything else is refused the way ntfy refuses it (`{"code", "http", "error"}`), so
// a test fails when Greenlight sends something a real server would not take. It keeps every
// accepted message per topic and can press a notification's buttons the way the ntfy app does.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NtfyAction {
  action: 'http' | 'view';
  label: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  clear?: boolean;
}

export interface Published {
  id: string;
  topic: string;
  sequence_id: string;
  title: string;
  message: string;
  priority: number;
  tags: string[];
  click: string;
  actions: NtfyAction[];
  /** The Authorization header it came with. */
  authorization: string | null;
}

const FIELDS = new Set(['topic', 'message', 'title', 'tags', 'priority', 'actions', 'click', 'attach', 'markdown', 'icon', 'filename', 'delay', 'email', 'call', 'sequence_id', 'cache', 'firebase']);
const ACTION_FIELDS = new Set(['action', 'label', 'url', 'method', 'headers', 'body', 'clear', 'intent', 'extras']);
const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

export class FakeNtfy {
  readonly published: Published[] = [];
  /** Every publish attempt that reached the server, accepted or not. */
  attempts = 0;
  /** `refuse`: drop every connection (server down); a number: answer with that status. */
  outage: 'refuse' | number | null = null;
  private server!: Server;
  private seq = 0;

  /** `auth`: the Authorization header every publish must carry (null: none needed). */
  private constructor(private readonly auth: string | null) {}

  static async start(auth: string | null = null): Promise<FakeNtfy> {
    const f = new FakeNtfy(auth);
    f.server = createServer((req, res) => void f.handle(req, res));
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    return f;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What a topic's subscribers see now: per sequence id, the latest message (ntfy 2.16+ replaces). */
  shown(topic: string): Published[] {
    const latest = new Map<string, Published>();
    for (const p of this.published) if (p.topic === topic) latest.set(p.sequence_id, p);
    return [...latest.values()];
  }

  forRequest(requestId: string, topic?: string): Published[] {
    return this.published.filter((p) => p.sequence_id === requestId && (topic === undefined || p.topic === topic));
  }

  /** Taps a button as the ntfy app does: an `http` action sends its method, headers and body to its URL. */
  static async press(action: NtfyAction): Promise<{ status: number; body: any }> {
    assert.equal(action.action, 'http', 'only http actions call Greenlight');
    const res = await fetch(action.url, { method: action.method ?? 'POST', headers: action.headers ?? {}, body: action.body ?? '' });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body };
  }

  private refuse(res: ServerResponse, status: number, error: string): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: status * 100 + 1, http: status, error }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.outage === 'refuse') return void req.socket.destroy();
    if (req.method === 'GET' && req.url === '/v1/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"healthy":true}');
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    this.attempts++;
    if (typeof this.outage === 'number') return this.refuse(res, this.outage, 'outage');
    if (req.method !== 'POST' && req.method !== 'PUT') return this.refuse(res, 405, 'method not allowed');
    if (req.url !== '/') return this.refuse(res, 400, 'JSON publishing goes to the root URL; got ' + req.url);
    if (this.auth !== null && req.headers.authorization !== this.auth) return this.refuse(res, 403, 'forbidden');
    let m: Record<string, any>;
    try {
      m = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return this.refuse(res, 400, 'invalid request: request body must be message JSON');
    }
    const problem = this.check(m);
    if (problem) return this.refuse(res, 400, problem);
    const id = `m${(++this.seq).toString().padStart(11, '0')}`;
    this.published.push({ id, topic: m.topic, sequence_id: m.sequence_id ?? id, title: m.title ?? '', message: m.message ?? '', priority: m.priority ?? 3, tags: m.tags ?? [], click: m.click ?? '', actions: m.actions ?? [], authorization: req.headers.authorization ?? null });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, time: Math.floor(Date.now() / 1000), event: 'message', topic: m.topic, sequence_id: m.sequence_id, title: m.title, message: m.message }));
  }

  /** What a real ntfy server would refuse (or silently mangle), as a reason; null when fine. */
  private check(m: Record<string, any>): string | null {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'message must be a JSON object';
    for (const k of Object.keys(m)) if (!FIELDS.has(k)) return `unknown field ${k}`;
    if (typeof m.topic !== 'string' || !TOPIC.test(m.topic)) return 'invalid topic';
    if (m.sequence_id !== undefined && (typeof m.sequence_id !== 'string' || !TOPIC.test(m.sequence_id))) return 'invalid sequence id';
    if (m.markdown !== undefined) return 'Greenlight must not turn on markdown: agent text would render';
    if (Buffer.byteLength(String(m.message ?? ''), 'utf8') > 4096) return 'message too long (ntfy would make it an attachment)';
    if (m.priority !== undefined && ![1, 2, 3, 4, 5].includes(m.priority)) return 'invalid priority';
    if (m.tags !== undefined && (!Array.isArray(m.tags) || m.tags.some((t: unknown) => typeof t !== 'string'))) return 'invalid tags';
    const actions = m.actions ?? [];
    if (!Array.isArray(actions) || actions.length > 3) return 'too many actions (at most three)';
    for (const a of actions) {
      for (const k of Object.keys(a)) if (!ACTION_FIELDS.has(k)) return `unknown action field ${k}`;
      if (a.action !== 'http' && a.action !== 'view') return `action ${a.action} is not used by Greenlight`;
      if (typeof a.label !== 'string' || !a.label) return 'action without a label';
      if (typeof a.url !== 'string' || !/^https?:\/\//.test(a.url)) return 'action without an http(s) url';
      if (a.action === 'http' && (a.method !== 'POST' || typeof a.body !== 'string')) return 'http actions must POST a body';
    }
    return null;
  }
}
