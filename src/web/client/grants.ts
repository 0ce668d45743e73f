// Grants through the policy API (/v1/grants), which a server may not have yet: a 404 or 405 from
// it means "policy API not available on this server", shown as such instead of an error.
import { api, ApiError, qs } from './api.js';
import { confirmButton, h, table, toast } from './dom.js';
import { ago, when } from './format.js';

export const NOT_AVAILABLE = 'policy API not available on this server';

export interface Grant {
  id: string;
  rule: string;
  effect?: string;
  scope?: string;
  agent?: string | null;
  project?: string | null;
  session_id?: string | null;
  created_by?: string;
  created_at?: string | number;
  expires_at?: string | number | null;
  uses?: number;
  max_uses?: number | null;
  path_prefix?: string | null;
  host?: string | null;
  revoked_at?: string | number | null;
}

export const missing = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.status === 405) && (e.code === 'NOT_FOUND' || e.code === 'METHOD_NOT_ALLOWED' || e.code.startsWith('HTTP_'));

/** The grants, or null when the server has no policy API. */
export async function listGrants(filter: Record<string, string> = {}): Promise<Grant[] | null> {
  try {
    const res = await api<{ items?: Grant[]; grants?: Grant[] } | Grant[]>('GET', `/v1/grants${qs(filter)}`);
    const items = Array.isArray(res) ? res : (res.items ?? res.grants ?? []);
    return items.filter((g) => g && typeof g.id === 'string' && typeof g.rule === 'string');
  } catch (e) {
    if (missing(e)) return null;
    throw e;
  }
}

export async function revokeGrant(id: string): Promise<void> {
  try {
    await api('DELETE', `/v1/grants/${encodeURIComponent(id)}`);
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 405 || (e.status === 404 && e.code !== 'NOT_FOUND')))) throw e;
    await api('POST', `/v1/grants/${encodeURIComponent(id)}/revoke`, {});
  }
}

const time = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : typeof v === 'number' ? new Date(v).toISOString() : v);

/** A table of grants with a revoke button each (needs a second click). */
export function grantsTable(grants: Grant[], onRevoked: () => void): HTMLElement {
  if (grants.length === 0) return h('p', { class: 'muted' }, 'No grants.');
  const live = grants.filter((g) => !g.revoked_at);
  return table(
    ['Rule', 'Effect', 'Scope', 'Agent', 'Project', 'Session', 'Uses', 'Expires', 'Created', ''],
    live.map((g) => ({
      id: g.id,
      cls: ['', '', '', '', '', 'mono'],
      cells: [
        h('code', null, g.rule),
        g.effect ?? 'allow',
        [g.scope ?? '', ...(g.path_prefix ? [`only under ${g.path_prefix}`] : []), ...(g.host ? [`only on ${g.host}`] : [])].join(' · '),
        g.agent ?? 'any',
        g.project ?? 'any',
        g.session_id ?? '',
        // What the gate still allows: uses left of a limited grant, and when it ends.
        g.max_uses ? `${g.uses ?? 0} / ${g.max_uses} (${Math.max(0, g.max_uses - (g.uses ?? 0))} left)` : `${g.uses ?? 0}`,
        g.expires_at ? h('time', { datetime: time(g.expires_at), title: when(time(g.expires_at)), 'data-expires': '' }, when(time(g.expires_at))) : 'never',
        h('time', { datetime: time(g.created_at), title: when(time(g.created_at)) }, ago(time(g.created_at))),
        confirmButton('Revoke', 'Click again to revoke', 'btn small deny', async () => {
          try {
            await revokeGrant(g.id);
            toast(`Revoked ${g.rule}`);
            onRevoked();
          } catch (e) {
            toast((e as Error).message, 'error');
          }
        }),
      ],
    })),
  );
}
