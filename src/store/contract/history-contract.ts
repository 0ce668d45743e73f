import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { HistoryRow } from '../store.js';
import { NO_EFFECTS, T0, makeDecision, makeRequest } from '../fixtures.js';
import type { StoreHandle } from './handle.js';

/** Every row of [from, to) in pages of `size`, following `after`. */
async function scanAll(h: StoreHandle, from: number, to: number, size: number, withInput = false): Promise<HistoryRow[]> {
  const out: HistoryRow[] = [];
  for (;;) {
    const last = out[out.length - 1];
    const page = await h.store.scanHistory({ from, to, limit: size, with_input: withInput, after: last ? { created_at: last.created_at, id: last.id } : null });
    out.push(...page);
    if (page.length < size) return out;
  }
}

export function historyContract(h: StoreHandle): void {
  it('scans narrow history rows oldest first, with the decision and policy fields pulled out', async () => {
    const decided = makeRequest({
      id: 'req_b',
      created_at: T0 + 10,
      status: 'approved',
      project: 'web',
      cwd: '/srv/web',
      session_id: 's1',
      title: '<b>Ünicode</b> \u202e title',
      policy: { verdict: 'ask', rule: 'Bash(git push *)', reason: 'asks', dangerous: true },
      decision: makeDecision({ decided_by: 'alice', decided_by_kind: 'approver', via: 'telegram', decided_at: T0 + 5010 }),
      updated_at: T0 + 5010,
    });
    const auto = makeRequest({ id: 'req_a', created_at: T0 + 10, status: 'denied', policy: { verdict: 'deny', rule: 'Bash(rm *)', reason: 'no' }, decision: makeDecision({ outcome: 'denied', decided_by: 'policy', decided_by_kind: 'policy', via: 'policy', decided_at: T0 + 10 }) });
    const expired = makeRequest({ id: 'req_c', created_at: T0 + 20, status: 'expired', tool: null, action_type: 'deploy', updated_at: T0 + 600_020 });
    const pending = makeRequest({ id: 'req_d', created_at: T0 + 30 });
    for (const r of [pending, expired, decided, auto]) await h.store.createRequest(r, NO_EFFECTS);

    const rows = await h.store.scanHistory({ from: T0, to: T0 + 1000, limit: 100 });
    assert.deepEqual(rows.map((r) => r.id), ['req_a', 'req_b', 'req_c', 'req_d'], 'created_at, then id');
    const b = rows[1];
    assert.deepEqual(b, {
      id: 'req_b', status: 'approved', agent: 'claude', project: 'web', tool: 'Bash', plain: false, title: '<b>Ünicode</b> \u202e title', cwd: '/srv/web', session_id: 's1',
      created_at: T0 + 10, settled_at: T0 + 5010, decided_by: 'alice', decided_by_kind: 'approver', via: 'telegram', rule: 'Bash(git push *)', dangerous: true,
    });
    assert.equal(rows[0].decided_by_kind, 'policy');
    assert.equal(rows[0].dangerous, false);
    assert.equal(rows[2].tool, 'deploy', 'a plain action reads as its action type');
    assert.equal(rows[2].plain, true);
    assert.equal(rows[2].settled_at, T0 + 600_020, 'expired: settled when last updated');
    assert.equal(rows[3].settled_at, null, 'pending: not settled');
    assert.equal(rows[3].decided_by, null);
    assert.equal('input' in rows[0], false, 'no input unless asked');
  });

  it('bounds the window [from, to) and pages by (created_at, id) without losing or repeating rows', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const r = makeRequest({ id: `req_${String(i).padStart(3, '0')}`, created_at: T0 + Math.floor(i / 4) * 100, input: { command: `echo ${i}` } });
      await h.store.createRequest(r, NO_EFFECTS);
      ids.push(r.id);
    }
    const all = await scanAll(h, T0, T0 + 10_000, 5, true);
    assert.deepEqual(all.map((r) => r.id), ids);
    assert.deepEqual(all[7].input, { command: 'echo 7' });
    const window = await scanAll(h, T0 + 100, T0 + 300, 3);
    assert.deepEqual(window.map((r) => r.id), ids.slice(4, 12), 'from inclusive, to exclusive');
    assert.deepEqual(await h.store.scanHistory({ from: T0, to: T0 + 10_000, limit: 0 }), []);
  });
}
