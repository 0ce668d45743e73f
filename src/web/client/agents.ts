// Agents and sessions: the agent sessions (live, agent-sessions.ts), then per agent who is active,
// when each was last seen, what waits for them, their grants — built from the most recent 1000
// requests and the live queue.
import { sessionsSection } from './agent-sessions.js';
import { api } from './api.js';
import type { Me } from './types.js';
import { confirmButton, h, replace, table, toast } from './dom.js';
import { ago, when } from './format.js';
import { grantsTable, listGrants, missing, NOT_AVAILABLE, type Grant } from './grants.js';
import { queue } from './live.js';
import type { Page, Req } from './types.js';

const ACTIVE_MS = 15 * 60_000;

interface SessionRow {
  id: string;
  project: string | null;
  lastSeen: string;
  pending: number;
  total: number;
}
interface AgentRow {
  name: string;
  lastSeen: string;
  pending: number;
  total: number;
  sessions: Map<string, SessionRow>;
}

function aggregate(requests: Req[]): AgentRow[] {
  const agents = new Map<string, AgentRow>();
  for (const r of requests) {
    const a = agents.get(r.agent) ?? { name: r.agent, lastSeen: r.created_at, pending: 0, total: 0, sessions: new Map() };
    agents.set(r.agent, a);
    a.total++;
    if (r.status === 'pending') a.pending++;
    if (r.created_at > a.lastSeen) a.lastSeen = r.created_at;
    if (r.session_id) {
      const s = a.sessions.get(r.session_id) ?? { id: r.session_id, project: r.project, lastSeen: r.created_at, pending: 0, total: 0 };
      a.sessions.set(r.session_id, s);
      s.total++;
      if (r.status === 'pending') s.pending++;
      if (r.created_at > s.lastSeen) s.lastSeen = r.created_at;
    }
  }
  return [...agents.values()].sort((x, y) => (x.lastSeen < y.lastSeen ? 1 : -1));
}

export function mountAgents(root: HTMLElement, me: Me): () => void {
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const sessions = sessionsSection();
  replace(root, h('div', { class: 'page' }, h('h2', null, 'Agents and sessions'), sessions.el, h('h3', null, 'Agents by their requests'), h('p', { class: 'muted' }, 'From the latest 1000 requests. Active: asked within 15 minutes.'), body));

  async function load(): Promise<void> {
    try {
      const [recent, grants] = await Promise.all([api<Page<Req>>('GET', '/v1/requests?limit=1000'), listGrants().catch(() => null)]);
      const seen = new Map(recent.items.map((r) => [r.id, r]));
      for (const r of queue.sorted()) seen.set(r.id, r);
      render(aggregate([...seen.values()]), grants);
    } catch (e) {
      replace(body, h('p', { class: 'form-error' }, (e as Error).message));
    }
  }

  function render(agents: AgentRow[], grants: Grant[] | null): void {
    if (agents.length === 0) {
      replace(body, h('p', { class: 'empty' }, 'No agent has asked for anything yet.'));
      return;
    }
    const now = Date.now();
    replace(
      body,
      ...agents.map((a) => {
        const active = now - Date.parse(a.lastSeen) < ACTIVE_MS;
        const mine = grants?.filter((g) => g.agent === a.name || g.agent === null || g.agent === undefined) ?? null;
        return h(
          'section',
          { class: 'card agent', 'aria-label': `Agent ${a.name}` },
          h('h3', null, h('span', { class: `dot ${active ? 'on' : ''}`, 'aria-hidden': 'true' }), a.name, h('span', { class: 'sr-only' }, active ? ' (active)' : ' (idle)')),
          h('p', { class: 'muted' }, `Last seen ${ago(a.lastSeen)} (${when(a.lastSeen)}) · ${a.pending} pending · ${a.total} recent`, a.pending ? ' · ' : null, a.pending ? h('a', { href: `#/history?agent=${encodeURIComponent(a.name)}&status=pending` }, 'see pending') : null),
          a.sessions.size
            ? table(
                ['Session', 'Project', 'Last seen', 'Pending', 'Requests', ...(me.role === 'admin' ? [''] : [])],
                [...a.sessions.values()].sort((x, y) => (x.lastSeen < y.lastSeen ? 1 : -1)).map((s) => ({ cells: [s.id, s.project ?? '', ago(s.lastSeen), String(s.pending), String(s.total), me.role === 'admin' ? endSession(a.name, s.id) : null], cls: ['mono'] })),
              )
            : h('p', { class: 'muted' }, 'No sessions reported.'),
          h('h4', null, 'Grants'),
          mine === null ? h('p', { class: 'muted not-available' }, NOT_AVAILABLE) : grantsTable(mine, () => void load()),
        );
      }),
    );
  }

  /** Admins end a session: every grant given for it is revoked (as when the agent's session ends). */
  function endSession(agent: string, session: string): HTMLElement {
    return confirmButton('End session', 'Click again: revoke its grants', 'btn small deny', async () => {
      try {
        const res = await api<{ grants_revoked: number }>('POST', `/v1/sessions/${encodeURIComponent(session)}/end?agent=${encodeURIComponent(agent)}`, {});
        toast(`Session ended: ${res.grants_revoked} grant${res.grants_revoked === 1 ? '' : 's'} revoked`);
        void load();
      } catch (e) {
        toast(missing(e) ? NOT_AVAILABLE : (e as Error).message, 'error');
      }
    });
  }

  void load();
  return () => sessions.close();
}
