// The Greenlight HTTP client: typed calls to the native v1 API, and a wait that is pushed
// (long-poll or server-sent events), never a polling loop with sleeps.
import { GreenlightApiError, GreenlightNetworkError } from './errors.js';
import { pause, restartDelay } from './restart.js';
import type { CreateRequestInput, DecideInput, Page, WireRequest } from './types.js';

export interface ClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8787 */
  url: string;
  /** An agent key (approver keys for `decide` / `pending`). */
  key: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
  /**
   * The machine the agent runs on, added as `host` to each request this client files that names
   * none — e.g. `machineHostname()` (os.hostname()). Approvers can then limit a grant to it ("only
   * on this host"). Default: none is sent (a server older than this field refuses it).
   */
  host?: string;
}

export interface WaitOptions {
  /** Give up after this many seconds and return the request as it is (still `pending`). Default: until it is decided or expires. */
  timeoutSec?: number;
  signal?: AbortSignal;
  /** How to wait: repeated long-polls (default) or one server-sent events stream. */
  via?: 'long-poll' | 'sse';
}

export interface AskOptions extends Omit<WaitOptions, 'signal'> {
  /** Choices the human picks from (keys A, B, C ... unless given as {key, label}). */
  options?: (string | { key?: string; label: string; description?: string })[];
  /** Accept a typed answer too (default: only when there are no options). */
  freeText?: boolean;
  multiSelect?: boolean;
  context?: string;
  project?: string;
  session_id?: string;
  signal?: AbortSignal;
}

export interface AskResult {
  /** `answered` when the human answered; otherwise what became of the question. */
  status: WireRequest['status'];
  /** The free text, or the chosen options' labels joined by ", "; null without an answer. */
  answer: string | null;
  /** The chosen option keys (empty for free text). */
  keys: string[];
  request: WireRequest;
}

export const TERMINAL = new Set(['approved', 'denied', 'conditional', 'answered', 'expired', 'cancelled']);
/** Each long-poll asks the server for at most this long (servers allow up to requests.max_wait_sec, 300 by default). */
const LONG_POLL_SLICE_SEC = 25;

export interface GreenlightClient {
  readonly url: string;
  request(input: CreateRequestInput, options?: { idempotencyKey?: string; signal?: AbortSignal }): Promise<WireRequest>;
  get(id: string, options?: { signal?: AbortSignal }): Promise<WireRequest>;
  pending(options?: { limit?: number }): Promise<Page<WireRequest>>;
  waitForDecision(id: string, options?: WaitOptions): Promise<WireRequest>;
  ask(question: string, options?: AskOptions): Promise<AskResult>;
  cancel(id: string, reason?: string): Promise<WireRequest>;
  /** Approver / admin keys only: an agent key gets AGENT_CANNOT_DECIDE. */
  decide(id: string, decision: DecideInput): Promise<WireRequest>;
}

export function createClient(options: ClientOptions): GreenlightClient {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  if (!/^https?:\/\//i.test(base)) throw new TypeError(`Greenlight URL must start with http:// or https:// (got ${JSON.stringify(options.url)}).`);
  if (!options.key) throw new TypeError('A Greenlight key is required (GREENLIGHT_KEY).');

  async function call<T>(method: string, path: string, body?: unknown, extra: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.key}`, accept: 'application/json', ...extra.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: extra.signal });
    } catch (cause) {
      if ((cause as Error)?.name === 'AbortError') throw cause;
      throw new GreenlightNetworkError(`Could not reach Greenlight at ${base}: ${(cause as Error)?.message ?? cause}`, { cause });
    }
    const text = await res.text();
    let parsed: any = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch (cause) {
      throw new GreenlightNetworkError(`Greenlight at ${base} answered ${method} ${path} with ${res.status} and a body that is not JSON.`, { cause });
    }
    if (!res.ok) {
      const e = parsed?.error;
      throw new GreenlightApiError(e?.code ?? `HTTP_${res.status}`, e?.message ?? `${method} ${path} failed with HTTP ${res.status}.`, res.status, e?.request_id ?? res.headers.get('x-request-id'), e?.details);
    }
    return parsed as T;
  }

  const enc = encodeURIComponent;

  /** Long-polls until decided or the deadline; rides out a server restart (see restart.ts). */
  async function waitLongPoll(id: string, deadline: number, signal?: AbortSignal, restarting = false): Promise<WireRequest> {
    let restartingSince = restarting ? Date.now() : null;
    for (;;) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      const slice = Math.max(0, Math.min(LONG_POLL_SLICE_SEC, left));
      let r: WireRequest;
      try {
        r = await call<WireRequest>('GET', `/v1/requests/${enc(id)}/wait?timeout_sec=${slice}`, undefined, { signal });
      } catch (err) {
        const delay = restartDelay(err, restartingSince);
        if (delay === null || Date.now() + delay >= deadline) throw err;
        restartingSince ??= Date.now();
        await pause(delay, signal);
        continue;
      }
      restartingSince = null;
      if (TERMINAL.has(r.status) || Date.now() >= deadline || slice === 0) return r;
    }
  }

  async function waitSse(id: string, deadline: number, outer?: AbortSignal): Promise<WireRequest> {
    const ac = new AbortController();
    const onAbort = () => ac.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    const timer = Number.isFinite(deadline) ? setTimeout(() => ac.abort(new Error('timeout')), Math.max(0, deadline - Date.now())) : null;
    try {
      let res: Response;
      try {
        res = await doFetch(`${base}/v1/events?request_id=${enc(id)}`, { headers: { authorization: `Bearer ${options.key}`, accept: 'text/event-stream' }, signal: ac.signal });
      } catch (cause) {
        if (ac.signal.aborted && !outer?.aborted) return await client.get(id);
        if ((cause as Error)?.name === 'AbortError') throw cause;
        throw new GreenlightNetworkError(`Could not open the event stream at ${base}: ${(cause as Error)?.message ?? cause}`, { cause });
      }
      if (!res.ok || !res.body) {
        await call('GET', `/v1/requests/${enc(id)}`); // throws the server's error
        throw new GreenlightNetworkError(`The event stream answered HTTP ${res.status}.`);
      }
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      let buf = '';
      let shutdownAfterMs: number | null = null;
      try {
        read: for (;;) {
          const { done, value } = await reader.read().catch((cause: unknown) => {
            if (ac.signal.aborted) throw cause;
            throw new GreenlightNetworkError(`The event stream from ${base} broke: ${(cause as Error)?.message ?? cause}`, { cause });
          });
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let sep: number;
          while ((sep = buf.search(/\r?\n\r?\n/)) >= 0) {
            const frame = buf.slice(0, sep);
            buf = buf.slice(sep).replace(/^\r?\n\r?\n/, '');
            const event = /^event: ?(.*)$/m.exec(frame)?.[1];
            const data = frame.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n');
            if (event === 'shutdown') {
              // The server is going away: wait as it asks, then go on waiting wherever it comes back.
              const after = Number((JSON.parse(data || '{}') as { retry_after_sec?: unknown }).retry_after_sec);
              shutdownAfterMs = Number.isFinite(after) && after > 0 ? after * 1000 : 2_000;
              break read;
            }
            if (event === 'ready') {
              // Subscribed: anything decided before now is in the stored request.
              const now = await client.get(id);
              if (TERMINAL.has(now.status)) return now;
            } else if (data) {
              const request = (JSON.parse(data) as { request?: WireRequest }).request;
              if (request && request.id === id && TERMINAL.has(request.status)) return request;
            }
          }
        }
      } catch (err) {
        // The deadline ended the stream: fall through to one last read of the request.
        if (!(ac.signal.aborted && !outer?.aborted)) {
          // The server went away mid-wait (a restart): ride it out like a shutdown event.
          const delay = outer?.aborted ? null : restartDelay(err, Date.now());
          if (delay === null) throw err;
          shutdownAfterMs = delay;
        }
      } finally {
        reader.cancel().catch(() => {});
      }
      if (shutdownAfterMs !== null) {
        await pause(Math.max(0, Math.min(shutdownAfterMs, deadline - Date.now())), outer);
        return await waitLongPoll(id, deadline, outer, true);
      }
      return await client.get(id);
    } finally {
      if (timer) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      ac.abort();
    }
  }

  const client: GreenlightClient = {
    url: base,
    request: (input, o = {}) => call('POST', '/v1/requests', options.host && input.host === undefined ? { ...input, host: options.host } : input, { headers: o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}, signal: o.signal }),
    get: (id, o = {}) => call('GET', `/v1/requests/${enc(id)}`, undefined, { signal: o.signal }),
    pending: (o = {}) => call('GET', `/v1/requests/pending?limit=${o.limit ?? 100}`),
    cancel: (id, reason) => call('POST', `/v1/requests/${enc(id)}/cancel`, reason ? { reason } : {}),
    decide: (id, decision) => call('POST', `/v1/requests/${enc(id)}/decision`, decision),

    async waitForDecision(id, o = {}) {
      const deadline = o.timeoutSec === undefined ? Number.POSITIVE_INFINITY : Date.now() + o.timeoutSec * 1000;
      return o.via === 'sse' ? waitSse(id, deadline, o.signal) : waitLongPoll(id, deadline, o.signal);
    },

    async ask(question, o = {}) {
      const options = o.options ?? [];
      const created = await client.request({
        title: question.length > 500 ? `${question.slice(0, 497)}...` : question,
        action_type: 'question',
        preview: question,
        context: o.context,
        project: o.project,
        session_id: o.session_id,
        question: { options, multi_select: o.multiSelect ?? false, allow_free_text: o.freeText ?? options.length === 0 },
      });
      const request = TERMINAL.has(created.status) ? created : await client.waitForDecision(created.id, o);
      return { ...readAnswer(request), status: request.status, request };
    },
  };
  return client;
}

/** The answer a decided question carries: option keys mapped to their labels, or free text. */
export function readAnswer(request: WireRequest): { answer: string | null; keys: string[] } {
  const raw = request.decision?.answer ?? null;
  if (raw === null) return { answer: null, keys: [] };
  const options = request.question?.options ?? [];
  const keys = Array.isArray(raw) ? raw : options.some((o) => o.key === raw) ? [raw] : [];
  if (keys.length === 0) return { answer: String(raw), keys: [] };
  return { answer: keys.map((k) => options.find((o) => o.key === k)?.label ?? k).join(', '), keys };
}
