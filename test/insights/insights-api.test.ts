// GET /v1/insights and POST /v1/insights/suggestions on a real server over a real SQLite file,
// against a seeded history: figures checked against a reference computed here from the seed;
// suggestions exactly as the evidence supports (none for dangerous, protected or denied actions);
// who may see what; hostile and malformed input; an added suggestion really allows the next ask.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { NOW, PROJECTS, HOSTILE_AGENT, HOSTILE_EXAMPLE, HOSTILE_TITLE, seedHistory, seedStore } from './seed.js';

let server: TestServer;
let clock = NOW;
before(async () => {
  server = await startTestServer({ projects: PROJECTS }, { clock: { now: () => clock } });
  await seedStore(server.store, server.dataDir);
});
after(async () => server?.stop());

type Row = ReturnType<typeof seedHistory>[number];

/** The reference: what each seeded request counts as, computed straight from the seed. */
function outcome(s: Row): string {
  if (s.status === 'pending' || s.status === 'expired' || s.status === 'cancelled') return s.status;
  const auto = s.decision?.decided_by_kind === 'policy';
  return s.status === 'denied' ? (auto ? 'auto_denied' : 'denied') : auto ? 'auto_allowed' : 'approved';
}
function reference(days: number, visible: (project: string | null) => boolean = () => true) {
  const rows = seedHistory(server.dataDir).filter((s) => s.created_at! >= NOW - days * 86_400_000 && visible(s.project ?? null));
  const totals: Record<string, number> = { asks: rows.length, auto_allowed: 0, auto_denied: 0, approved: 0, denied: 0, expired: 0, cancelled: 0, pending: 0 };
  for (const s of rows) totals[outcome(s)]++;
  const byHour = new Array(24).fill(0);
  for (const s of rows) byHour[new Date(s.created_at!).getUTCHours()]++;
  const latencies = (pick: (s: Row) => string | undefined) => {
    const m = new Map<string, number[]>();
    for (const s of rows) {
      const o = outcome(s);
      if (o !== 'approved' && o !== 'denied') continue;
      const k = pick(s)!;
      m.set(k, [...(m.get(k) ?? []), s.latency!]);
    }
    return m;
  };
  return { rows, totals, byHour, byApprover: latencies((s) => s.decision?.decided_by), byChannel: latencies((s) => s.decision?.via) };
}
const nearestRank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1];

describe('insights over a seeded history', () => {
  it('counts every outcome, per agent, project, tool and rule, as the reference does (30 and 7 days)', async () => {
    for (const days of [30, 7]) {
      const res = await server.call('admin', 'GET', `/v1/insights?days=${days}&suggestions=false`);
      assert.equal(res.status, 200, res.text);
      const ref = reference(days);
      assert.deepEqual(res.body.totals, ref.totals, `totals, ${days} days`);
      assert.deepEqual(res.body.by_hour, ref.byHour, `by hour, ${days} days`);
      const sum = (key: string) => res.body[key].reduce((n: number, x: { asks: number }) => n + x.asks, 0);
      for (const key of ['by_agent', 'by_project', 'by_tool']) assert.equal(sum(key), ref.totals.asks, `${key} adds up`);
      assert.equal(res.body.by_day.reduce((n: number, d: { asks: number }) => n + d.asks, 0), ref.totals.asks, 'by_day adds up');
      assert.equal(res.body.by_day.length, days + 1, 'every day of the window, today included');
      assert.deepEqual(res.body.suggestions.items, []);
    }
    const month = (await server.call('admin', 'GET', '/v1/insights?days=30&suggestions=false')).body;
    assert.deepEqual(month.totals, { asks: 35, auto_allowed: 4, auto_denied: 1, approved: 26, denied: 1, expired: 1, cancelled: 1, pending: 1 });
    const git = month.by_rule.find((r: { key: string }) => r.key === 'Bash(git *)');
    assert.deepEqual(git, { key: 'Bash(git *)', asks: 4, auto_allowed: 4, auto_denied: 0, approved: 0, denied: 0, expired: 0, cancelled: 0, pending: 0 });
    assert.deepEqual(month.by_project.find((p: { key: string | null }) => p.key === 'api'), { key: 'api', asks: 7, auto_allowed: 0, auto_denied: 0, approved: 6, denied: 1, expired: 0, cancelled: 0, pending: 0 });
    assert.ok(month.by_agent.some((a: { key: string }) => a.key === HOSTILE_AGENT), 'names go out as they are (JSON); the page escapes them');
  });

  it('measures time to a human decision (median, p90) by approver and channel; the policy is no approver', async () => {
    const body = (await server.call('admin', 'GET', '/v1/insights?days=30&suggestions=false')).body;
    const ref = reference(30);
    const all = [...ref.byApprover.values()].flat();
    assert.equal(body.time_to_decision.count, all.length);
    assert.equal(body.time_to_decision.median_ms, nearestRank(all, 50));
    assert.equal(body.time_to_decision.p90_ms, nearestRank(all, 90));
    for (const [who, values] of ref.byApprover) {
      const got = body.time_to_decision.by_approver.find((x: { key: string }) => x.key === who);
      assert.deepEqual(got, { key: who, count: values.length, median_ms: nearestRank(values, 50), p90_ms: nearestRank(values, 90) }, who);
    }
    // By hand: alice decided 19 (1, 2, 3 s; 6× 4 s; 8× 5 s; 8 s; 9 s).
    assert.deepEqual(body.time_to_decision.by_approver.find((x: { key: string }) => x.key === 'alice'), { key: 'alice', count: 19, median_ms: 5000, p90_ms: 8000 });
    assert.deepEqual(body.time_to_decision.by_channel.map((x: { key: string }) => x.key).sort(), [...ref.byChannel.keys()].sort());
    assert.ok(!body.time_to_decision.by_approver.some((x: { key: string }) => x.key === 'policy'));
  });

  it('lists the longest waits first, a request still pending counting until now', async () => {
    const body = (await server.call('admin', 'GET', '/v1/insights?days=30&suggestions=false')).body;
    const first = body.longest_waits[0];
    assert.equal(first.title, HOSTILE_TITLE, 'agent text out as it is: JSON escapes it, the page renders it as text');
    assert.equal(first.status, 'pending');
    assert.equal(first.waited_ms, NOW - Date.parse(first.created_at));
    assert.ok(!body.longest_waits.some((w: { status: string; agent: string; waited_ms: number }) => w.agent === 'claude' && w.status === 'approved' && w.waited_ms === 0), 'auto-answers never waited');
    const waits = body.longest_waits.map((w: { waited_ms: number }) => w.waited_ms);
    assert.deepEqual(waits, [...waits].sort((a, b) => b - a));
  });
});

describe('suggested rules', () => {
  it('suggests exactly what the evidence supports, and nothing dangerous, protected, denied or thin', async () => {
    const res = await server.call('admin', 'GET', '/v1/insights?days=7');
    assert.equal(res.status, 200, res.text);
    const items = res.body.suggestions.items;
    assert.deepEqual(
      items.map((s: { rule: string; project: string }) => [s.rule, s.project]),
      [
        ['Bash(npm run lint *)', 'web'],
        ['Bash(cargo fmt --check)', 'api'],
      ],
      JSON.stringify(items, null, 1),
    );
    const lint = items[0];
    assert.equal(lint.approvals, 4);
    assert.equal(lint.denials, 0);
    assert.deepEqual(lint.people, ['alice', 'bob']);
    assert.equal(lint.would_allow, 5, 'the four approvals and the expired one');
    assert.ok(lint.examples.includes(HOSTILE_EXAMPLE), 'hostile text goes out as data');
    const fmt = items[1];
    assert.equal(fmt.rule, 'Bash(cargo fmt --check)', 'one command approved 3× gives exactly that command, never a prefix');
    assert.equal(fmt.would_allow, 3);
    const rules = items.map((s: { rule: string }) => s.rule).join(' ');
    for (const never of ['git push', 'rm ', 'greenlight.db', '.claude', 'make', 'npm test', 'git status']) assert.ok(!rules.includes(never), `never suggests ${never}`);
  });
});

describe('who may see insights', () => {
  it('refuses no key (401) and agents (403); an approver sees only the projects routed to them', async () => {
    assert.equal((await server.call(null, 'GET', '/v1/insights')).status, 401);
    const agent = await server.call('agent', 'GET', '/v1/insights');
    assert.equal(agent.status, 403);
    assert.equal(agent.body.error.code, 'FORBIDDEN');

    const alice = (await server.call('approver', 'GET', '/v1/insights?days=30')).body;
    assert.deepEqual(alice.projects, ['web']);
    assert.deepEqual(alice.totals, reference(30, (p) => p === 'web').totals);
    assert.deepEqual(alice.by_project.map((p: { key: string }) => p.key), ['web']);
    assert.deepEqual(alice.suggestions.items.map((s: { rule: string }) => s.rule), ['Bash(npm run lint *)']);
    assert.ok(!alice.longest_waits.some((w: { project: string | null }) => w.project !== 'web'), 'no request of another project, nor without one');

    const bob = (await server.call('otherApprover', 'GET', '/v1/insights?days=30')).body;
    assert.deepEqual(bob.projects, ['api']);
    assert.deepEqual(bob.totals, reference(30, (p) => p === 'api').totals);
    assert.deepEqual(bob.suggestions.items.map((s: { rule: string }) => s.rule), ['Bash(cargo fmt --check)']);
  });

  it('refuses bad query parameters with VALIDATION_FAILED', async () => {
    for (const q of ['days=0', 'days=91', 'days=abc', 'days=1.5', 'suggestions=yes', `days=${'9'.repeat(400)}`]) {
      const res = await server.call('admin', 'GET', `/v1/insights?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED', q);
    }
  });
});

describe('adding a suggestion (admin, one click)', () => {
  const path = '/v1/insights/suggestions';
  it('refuses approvers, agents, malformed, oversized, nested and made-up rules, and writes nothing', async () => {
    const good = { rule: 'Bash(npm run lint *)', project: 'web' };
    assert.equal((await server.call(null, 'POST', path, good)).status, 401);
    assert.equal((await server.call('agent', 'POST', path, good)).status, 403);
    assert.equal((await server.call('approver', 'POST', path, good)).status, 403);
    const bad: [unknown, number, string][] = [
      ['{"rule":', 400, 'INVALID_JSON'],
      [{ rule: 'Bash(npm run lint *)' }, 400, 'VALIDATION_FAILED'],
      [{ ...good, extra: 1 }, 400, 'VALIDATION_FAILED'],
      [{ rule: 'x'.repeat(2001), project: 'web' }, 400, 'VALIDATION_FAILED'],
      [JSON.stringify({ rule: 'Bash(x)', project: 'web', n: JSON.parse('['.repeat(200) + ']'.repeat(200)) }), 400, 'JSON_TOO_DEEP'],
      [{ rule: 'Bash', project: 'web' }, 409, 'NOT_A_SUGGESTION'],
      [{ rule: 'Bash(git push --force origin main)', project: 'web' }, 409, 'NOT_A_SUGGESTION'],
      [{ rule: 'Bash(npm run lint *)', project: 'api' }, 409, 'NOT_A_SUGGESTION'],
      [{ rule: `Bash(<script>alert(1)</script>)`, project: null }, 409, 'NOT_A_SUGGESTION'],
    ];
    for (const [body, status, code] of bad) {
      const res = await server.call('admin', 'POST', path, body);
      assert.equal(res.status, status, `${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
      assert.equal(res.body.error.code, code);
    }
    const big = await server.call('admin', 'POST', path, JSON.stringify({ rule: 'x'.repeat(2_000_000), project: 'web' }));
    assert.equal(big.status, 413);
    assert.deepEqual(await server.store.listGrants({}), [], 'nothing was written');
  });

  it('adds it as an always-allow grant for the project, audited; the next such ask is allowed and the suggestion is gone', async () => {
    const res = await server.call('admin', 'POST', path, { rule: 'Bash(npm run lint *)', project: 'web' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.rule, 'Bash(npm run lint *)');
    assert.equal(res.body.project, 'web');
    assert.equal(res.body.agent, null);
    assert.equal(res.body.scope, 'always');
    assert.equal(res.body.effect, 'allow');
    const audit = await server.store.listAudit({ limit: 10, order: 'desc' });
    const row = audit.find((a) => a.action === 'grant.created')!;
    assert.equal(row.via, 'insights');
    assert.equal(row.actor_name, 'root');

    const asked = await server.call('agent', 'POST', '/v1/requests', { title: 'lint', tool: 'Bash', input: { command: 'npm run lint --quiet' }, project: 'web', cwd: '/srv/web' });
    assert.equal(asked.status, 201, asked.text);
    assert.equal(asked.body.status, 'approved', 'the new rule answers it');
    const dangerous = await server.call('agent', 'POST', '/v1/requests', { title: 'lint', tool: 'Bash', input: { command: 'npm run lint && rm -rf /' }, project: 'web', cwd: '/srv/web' });
    assert.equal(dangerous.body.status, 'pending', 'the guard still asks');

    const after = (await server.call('admin', 'GET', '/v1/insights?days=7')).body;
    assert.ok(!after.suggestions.items.some((s: { rule: string }) => s.rule === 'Bash(npm run lint *)'));
    const again = await server.call('admin', 'POST', path, { rule: 'Bash(npm run lint *)', project: 'web' });
    assert.equal(again.status, 409);
  });
});
