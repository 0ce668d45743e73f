// Agent sessions on the dashboard: the running and recent sessions (the ones Greenlight runs in a
// context, and hooked agents' reports) with their status kept live over SSE, a form to start a
// session, and a session's own page with its transcript streaming in, a prompt box, Stop, Resume
// and End. Everything an agent wrote goes into text nodes (dom.ts), with invisible characters shown.
import { api, ApiError } from './api.js';
import { badge } from './detail.js';
import { confirmButton, h, replace, table, toast } from './dom.js';
import { ago, when } from './format.js';

export interface AgentSession {
  id: string;
  kind: 'run' | 'hook';
  agent: string;
  context: string | null;
  host: string | null;
  external_id: string | null;
  cwd: string | null;
  status: 'working' | 'waiting_approval' | 'waiting_input' | 'idle' | 'ended';
  current_tool: string | null;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  turns: number;
  last_outcome: string | null;
  updated_at: string;
  pending_approvals: number;
}
interface ContextInfo {
  name: string;
  directory: string;
  sandbox: boolean;
  may_drive: boolean;
}
interface TranscriptEvent {
  seq: number;
  at: string;
  kind: string;
  text: string;
}

export const SESSION_STATUS: Record<AgentSession['status'], string> = {
  working: 'Working',
  waiting_approval: 'Waiting for approval',
  waiting_input: 'Waiting for input',
  idle: 'Idle',
  ended: 'Ended',
};

const statusBadge = (s: AgentSession) => {
  const b = badge(SESSION_STATUS[s.status] ?? s.status, `session-${s.status}`);
  b.dataset.status = s.status;
  return b;
};

const usage = (s: AgentSession) =>
  [s.cost_usd !== null ? `$${s.cost_usd.toFixed(4)}` : '', s.input_tokens !== null ? `${s.input_tokens + (s.output_tokens ?? 0)} tokens` : ''].filter(Boolean).join(' · ') || '—';

const failed = (e: unknown) => toast(e instanceof ApiError ? e.message : 'That failed.', 'error');

/** The sessions table (live) and, for approvers a context allows, a form to start one. */
export function sessionsSection(): { el: HTMLElement; close: () => void } {
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading sessions…'));
  const el = h('section', { class: 'card sessions', 'aria-label': 'Agent sessions' }, h('h3', null, 'Sessions'), body);
  const rows = new Map<string, AgentSession>();
  let contexts: ContextInfo[] = [];
  let form: HTMLElement | null = null;

  function render(): void {
    const list = [...rows.values()].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1));
    const grid = list.length
      ? table(
          ['Session', 'Status', 'Tool', 'Pending', 'Last activity', 'Cost / tokens'],
          list.map((s) => ({
            id: s.id,
            cells: [
              h('a', { href: `#/agents/${encodeURIComponent(s.id)}` }, s.context ? `${s.context} (run)` : `${s.agent} (${s.host ?? 'hook'})`),
              statusBadge(s),
              s.current_tool ?? '',
              String(s.pending_approvals),
              h('time', { datetime: s.updated_at, title: when(s.updated_at) }, ago(s.updated_at)),
              usage(s),
            ],
          })),
          'sessions-table',
        )
      : h('p', { class: 'empty' }, 'No agent session yet. Hooked agents appear when they report; contexts when someone prompts them.');
    replace(body, grid, form);
  }

  function startForm(): HTMLElement | null {
    const mine = contexts.filter((c) => c.may_drive);
    if (!mine.length) return null;
    const select = h('select', { id: 's-context', name: 'context' }, ...mine.map((c) => h('option', { value: c.name }, `${c.name} — ${c.directory}${c.sandbox ? ' (sandboxed)' : ''}`)));
    const prompt = h('textarea', { id: 's-prompt', name: 'prompt', rows: 3, maxlength: 20000, required: true });
    return h(
      'form',
      {
        class: 'start-session',
        'aria-label': 'Start a session',
        on: {
          submit: async (ev: Event) => {
            ev.preventDefault();
            try {
              const s = await api<AgentSession>('POST', '/v1/agent-sessions', { context: select.value, prompt: prompt.value });
              location.hash = `#/agents/${encodeURIComponent(s.id)}`;
            } catch (e) {
              failed(e);
            }
          },
        },
      },
      h('h4', null, 'Start a session'),
      h('div', { class: 'field' }, h('label', { for: 's-context' }, 'Context'), select),
      h('div', { class: 'field' }, h('label', { for: 's-prompt' }, 'Prompt'), prompt),
      h('button', { type: 'submit', class: 'btn primary' }, 'Start'),
    );
  }

  const source = new EventSource('/v1/agent-sessions/events');
  source.addEventListener('session', (ev) => {
    const s = JSON.parse((ev as MessageEvent).data) as AgentSession;
    rows.set(s.id, s);
    render();
  });
  source.addEventListener('ready', () => void load());

  async function load(): Promise<void> {
    try {
      const res = await api<{ items: AgentSession[]; contexts: ContextInfo[] }>('GET', '/v1/agent-sessions?limit=100');
      rows.clear();
      for (const s of res.items) rows.set(s.id, s);
      contexts = res.contexts;
      form = startForm();
      render();
    } catch (e) {
      replace(body, h('p', { class: 'form-error' }, (e as Error).message));
    }
  }
  return { el, close: () => source.close() };
}

/** One session: its state, transcript (live), and what an approver the context allows can do. */
export function mountAgentSession(root: HTMLElement, id: string): () => void {
  const head = h('div', { class: 'session-head' });
  const log = h('ol', { class: 'transcript', 'aria-label': 'Transcript', 'aria-live': 'polite' });
  const controls = h('div', { class: 'session-controls' });
  replace(root, h('div', { class: 'page' }, h('p', null, h('a', { href: '#/agents' }, '← Agents')), head, controls, log));
  let lastSeq = 0;
  let source: EventSource | null = null;
  let session: AgentSession | null = null;

  const line = (e: TranscriptEvent) => h('li', { class: `t-${e.kind}`, 'data-seq': String(e.seq) }, h('time', { datetime: e.at, title: when(e.at) }, new Date(e.at).toLocaleTimeString()), ' ', h('span', { class: 't-kind' }, e.kind), ' ', h('pre', { class: 't-text' }, e.text));
  const add = (e: TranscriptEvent) => {
    if (e.seq <= lastSeq) return;
    lastSeq = e.seq;
    log.appendChild(line(e));
  };

  function showHead(s: AgentSession): void {
    session = s;
    replace(
      head,
      h('h2', null, s.context ? `Context ${s.context}` : `Agent ${s.agent}`, ' ', statusBadge(s)),
      h('p', { class: 'muted mono' }, `${s.id}${s.external_id ? ` · Claude Code session ${s.external_id}` : ''}${s.cwd ? ` · ${s.cwd}` : ''}`),
      h('p', { class: 'muted' }, `Turns ${s.turns} · ${usage(s)}${s.current_tool ? ` · now: ${s.current_tool}` : ''}${s.pending_approvals ? ` · ${s.pending_approvals} pending approval${s.pending_approvals === 1 ? '' : 's'}` : ''}${s.last_outcome ? ` · last turn ${s.last_outcome}` : ''} · ${ago(s.updated_at)}`),
    );
  }

  function showControls(s: AgentSession): void {
    if (s.kind !== 'run') return replace(controls, h('p', { class: 'muted' }, 'A hooked agent: prompt it where it runs. Its tool calls come to the queue.'));
    const text = h('textarea', { id: 'session-prompt', name: 'text', rows: 3, maxlength: 20000, 'aria-label': 'Prompt' });
    const post = (path: string, body?: unknown) => api('POST', `/v1/agent-sessions/${encodeURIComponent(id)}/${path}`, body).catch(failed);
    replace(
      controls,
      h(
        'form',
        {
          class: 'session-prompt',
          on: {
            submit: async (ev: Event) => {
              ev.preventDefault();
              if (!text.value.trim()) return;
              await post(session?.status === 'ended' ? 'resume' : 'prompt', { text: text.value });
              text.value = '';
            },
          },
        },
        text,
        h('div', { class: 'row' },
          h('button', { type: 'submit', class: 'btn primary', 'data-act': 'send' }, 'Send'),
          h('button', { type: 'button', class: 'btn', 'data-act': 'stop', on: { click: () => void post('stop') } }, 'Stop'),
          h('button', { type: 'button', class: 'btn', 'data-act': 'resume', on: { click: () => void post('resume') } }, 'Resume'),
          confirmButton('End', 'Click again: end it and its grants', 'btn deny', async () => void (await post('end'))),
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    try {
      const res = await api<{ session: AgentSession; events: TranscriptEvent[] }>('GET', `/v1/agent-sessions/${encodeURIComponent(id)}?limit=5000`);
      showHead(res.session);
      showControls(res.session);
      for (const e of res.events) add(e);
      source = new EventSource(`/v1/agent-sessions/events?session_id=${encodeURIComponent(id)}&after_seq=${lastSeq}`);
      source.addEventListener('transcript', (ev) => add(JSON.parse((ev as MessageEvent).data) as TranscriptEvent));
      source.addEventListener('session', (ev) => {
        const s = JSON.parse((ev as MessageEvent).data) as AgentSession;
        if (s.id === id) showHead(s);
      });
    } catch (e) {
      replace(head, h('p', { class: 'form-error' }, (e as Error).message));
    }
  }
  void load();
  return () => source?.close();
}
