// A seeded request history for the insights tests (API, dashboard, CLI, digest): every kind of
// outcome, human decisions with known latencies, and the traps a suggestion must avoid —
// dangerous commands, protected paths, a denial, too few approvals — plus hostile text.
import { T0, makeDecision, makeRequest, NO_EFFECTS } from '../../src/store/fixtures.js';
import type { ApprovalRequest, Decision } from '../../src/core/types.js';
import type { Store } from '../../src/store/store.js';
import { HOSTILE } from '../helpers/hostile-text.js';

/** "Now" for the seeded server: ten days after T0 (2026-01-11T00:00Z). */
export const NOW = T0 + 10 * 86_400_000;
const H = 3_600_000;

export const HOSTILE_AGENT = `<img src=x onerror="globalThis.__xss=1">\u202Eagent`;
export const HOSTILE_TITLE = `${HOSTILE.html} ${HOSTILE.rlo}`;
export const HOSTILE_EXAMPLE = `npm run lint -- '<img src=x onerror="globalThis.__xss=3">'`;

export const PROJECTS = [
  { name: 'web', directories: ['/srv/web'], approvers: ['alice'] },
  { name: 'api', directories: ['/srv/api'], approvers: ['bob'] },
];

type Seed = Omit<Partial<ApprovalRequest>, 'decision'> & { latency?: number; decision?: Partial<Decision> | null };

function bash(command: string, o: Seed): Seed {
  return { tool: 'Bash', input: { command }, preview: command, title: `Run ${command}`, ...o };
}

/** The history, each with created_at and (for settled ones) a decision or final status. */
export function seedHistory(dataDir: string): Seed[] {
  const human = (by: string, via: string, latency: number, outcome: Decision['outcome'] = 'approved'): Partial<Seed> => ({
    status: outcome,
    latency,
    decision: { decided_by: by, decided_by_kind: 'approver', via, outcome },
  });
  const auto = (rule: string, outcome: 'approved' | 'denied'): Partial<Seed> => ({
    status: outcome,
    latency: 0,
    policy: { verdict: outcome === 'approved' ? 'allow' : 'deny', rule, reason: 'config' },
    decision: { decided_by: 'policy', decided_by_kind: 'policy', via: 'policy', outcome },
  });
  const ask = { policy: { verdict: 'ask' as const, rule: null, reason: 'no rule allows it' } };
  const web = { project: 'web', cwd: '/srv/web', agent: 'claude', ...ask };
  const api = { project: 'api', cwd: '/srv/api', agent: 'codex', ...ask };
  const day = (d: number, h: number) => T0 + d * 86_400_000 + h * H;
  return [
    // npm run lint: approved 4× by two people (different commands → the prefix), one more expired.
    bash('npm run lint', { ...web, created_at: day(3, 9), ...human('alice', 'telegram', 1000) }),
    bash('npm run lint', { ...web, created_at: day(4, 9), ...human('alice', 'telegram', 2000) }),
    bash('npm run lint --fix', { ...web, created_at: day(5, 10), ...human('alice', 'telegram', 3000) }),
    bash(HOSTILE_EXAMPLE, { ...web, created_at: day(6, 14), ...human('bob', 'web', 10_000) }),
    bash('npm run lint src', { ...web, created_at: day(7, 9), status: 'expired' }),
    // The same command approved 3×: exactly that command, never a prefix.
    bash('cargo fmt --check', { ...api, created_at: day(3, 15), ...human('bob', 'email', 60_000) }),
    bash('cargo fmt --check', { ...api, created_at: day(4, 15), ...human('bob', 'email', 120_000) }),
    bash('cargo fmt --check', { ...api, created_at: day(5, 15), ...human('bob', 'email', 180_000) }),
    // Dangerous: approved 4× and still never suggested (the first flagged when asked, the second by the guard now).
    ...[1, 2, 3, 4].map((i) => bash('git push --force origin main', { ...web, created_at: day(i, 11), ...human('alice', 'web', 5000), policy: { verdict: 'ask', rule: null, reason: 'dangerous', dangerous: true } })),
    ...[1, 2, 3, 4].map((i) => bash('rm -rf /srv', { ...web, created_at: day(i, 12), ...human('alice', 'web', 5000) })),
    // Protected paths: Greenlight's own data and an agent permission file, approved 3× each.
    ...[1, 2, 3].map((i) => ({ tool: 'Read', input: { file_path: `${dataDir}/greenlight.db` }, preview: 'read db', title: 'Read the db', ...web, created_at: day(i, 13), ...human('alice', 'web', 4000) })),
    ...[1, 2, 3].map((i) => bash('cp /tmp/s.json /srv/web/.claude/settings.json', { ...web, created_at: day(i, 16), ...human('alice', 'web', 4000) })),
    // Approved 3× but denied once: never suggested.
    ...[1, 2, 3].map((i) => bash('make deploy', { ...api, created_at: day(i, 17), ...human('bob', 'telegram', 30_000) })),
    bash('make deploy', { ...api, created_at: day(4, 17), ...human('bob', 'telegram', 90_000, 'denied') }),
    // Two approvals only (min is 3).
    bash('npm test', { ...web, created_at: day(6, 9), ...human('alice', 'web', 8000) }),
    bash('npm test', { ...web, created_at: day(6, 10), ...human('alice', 'web', 9000) }),
    // Auto-answered: the policy did it; no latency, no suggestion.
    ...[1, 2, 3, 4].map((i) => bash('git status', { ...web, created_at: day(i, 8), ...auto('Bash(git *)', 'approved') })),
    bash('rm -rf /', { ...web, created_at: day(2, 8), ...auto('Bash(rm *)', 'denied') }),
    // A hostile agent and title, still waiting: the longest wait.
    { tool: null, action_type: 'deploy', input: null, preview: 'deploy', title: HOSTILE_TITLE, agent: HOSTILE_AGENT, project: null, created_at: day(2, 3), status: 'pending' },
    // Cancelled, and older than the 7-day window (counted with days=30 only).
    bash('ls', { ...web, created_at: day(1, 1), status: 'cancelled' }),
  ].map((s) => s as Seed);
}

/** Writes the history into the store (a real SQLite file, or any adapter); `shift` moves it in time (NOW + shift is then "now"). */
export async function seedStore(store: Store, dataDir: string, shift = 0): Promise<ApprovalRequest[]> {
  const out: ApprovalRequest[] = [];
  for (const s of seedHistory(dataDir)) {
    const { latency, decision, ...rest } = s;
    const created = rest.created_at! + shift;
    rest.created_at = created;
    const settledAt = rest.status === 'pending' ? created : created + (latency ?? 600_000);
    const r = makeRequest({
      ...rest,
      updated_at: settledAt,
      expires_at: rest.status === 'pending' ? NOW + shift + 86_400_000 : created + 600_000,
      decision: decision ? makeDecision({ ...decision, decided_at: settledAt }) : null,
    });
    await store.createRequest(r, NO_EFFECTS);
    out.push(r);
  }
  return out;
}
