// ok2run compatibility against the real server: its request and response shapes, its decision
// codes, its email-reply ingestion, and Greenlight's rules on top (agents never decide, targets
// must be configured routes).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/ids.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

const PROJECTS = [
  { name: 'webapp', routes: [{ channel: 'telegram', target: '-100200300' }, { channel: 'email', target: 'ops@example.com' }] },
];
// ok2run has no projects: an agent bound to one project files into it, and its routes apply.
const AGENTS = [
  { name: 'agent-a', key: KEYS.agent, projects: ['webapp'] },
  { name: 'agent-b', key: KEYS.otherAgent },
];

// Each request is a different action unless a test says otherwise: an approval "for the session"
// or "always" grants exactly that action, so a repeat of it is answered by the grant.
let seq = 0;
const body = (over: Record<string, unknown> = {}) => ({
  session_id: 'sess_123',
  action_type: 'exec_cmd',
  title: 'Run command',
  preview: `npm run build -- --out dist-${++seq}`,
  channel: 'telegram',
  target: { tg_chat_id: '-100200300' },
  expires_in_sec: 600,
  ...over,
});

describe('ok2run compatibility', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ projects: PROJECTS, agents: AGENTS });
  });
  after(async () => s.stop());

  const create = async (over: Record<string, unknown> = {}) => {
    const r = await s.call('agent', 'POST', '/v1/approvals', body(over));
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const view = async (id: string, role: 'agent' | 'approver' = 'agent') => {
    const r = await s.call(role, 'GET', `/v1/approvals/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const decide = async (id: string, decision: Record<string, unknown>) => {
    const r = await s.call('approver', 'POST', `/v1/requests/${id}/decision`, decision);
    assert.equal(r.status, 200, r.text);
  };

  it('POST /v1/approvals answers with exactly ok2run\'s create shape', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await s.call('agent', 'POST', '/v1/approvals', body());
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['approval_id', 'auto', 'decision', 'expires_at', 'status']);
    assert.match(r.body.approval_id, /^req_[0-9a-z]{26}$/);
    assert.equal(r.body.status, 'pending');
    assert.equal(r.body.auto, false);
    assert.equal(r.body.decision, null);
    assert.ok(Number.isInteger(r.body.expires_at), 'expires_at is epoch seconds');
    assert.ok(r.body.expires_at >= before + 600 && r.body.expires_at <= before + 601, `expires_at ${r.body.expires_at}`);
  });

  it('"Session" (code 2) really matches: the same action again in that session is allowed at once, in another session it asks', async () => {
    const action = { preview: 'npm publish --dry-run', session_id: 'sess_grant' };
    const first = await create(action);
    const d = await s.call('approver', 'POST', `/v1/requests/${first.approval_id}/decision`, { outcome: 'approved', scope: 'session' });
    assert.equal(d.status, 200, d.text);
    const again = await create(action);
    assert.equal(again.auto, true);
    assert.equal(again.status, 'approved');
    const elsewhere = await create({ ...action, session_id: 'sess_other' });
    assert.equal(elsewhere.status, 'pending');
  });

  it('maps the fields onto a Greenlight request (origin ok2run, channel hint, routed target)', async () => {
    const a = await create({ options: ['Use React', 'Use Vue'], preview: 'rm -rf ./build && npm run build' });
    const native = await s.call('approver', 'GET', `/v1/requests/${a.approval_id}`);
    assert.equal(native.body.origin, 'ok2run');
    assert.equal(native.body.title, 'Run command');
    assert.equal(native.body.preview, 'rm -rf ./build && npm run build');
    assert.equal(native.body.action_type, 'exec_cmd');
    assert.equal(native.body.session_id, 'sess_123');
    assert.equal(native.body.channel, 'telegram');
    assert.equal(native.body.target, '-100200300');
    assert.equal(native.body.project, 'webapp');
    assert.deepEqual(native.body.question.options.map((o: { key: string; label: string }) => [o.key, o.label]), [['A', 'Use React'], ['B', 'Use Vue']]);
    assert.equal(native.body.question.allow_free_text, true);
  });

  it('defaults expires_in_sec to ok2run\'s 600 seconds', async () => {
    const { expires_in_sec: _, ...rest } = body();
    const r = await s.call('agent', 'POST', '/v1/approvals', rest);
    assert.equal(r.status, 200, r.text);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(r.body.expires_at - (now + 600)) <= 2);
  });

  it('GET while pending sends status and expires_at, the rest null (as ok2run does)', async () => {
    const a = await create();
    const v = await view(a.approval_id);
    assert.deepEqual(v, { status: 'pending', expires_at: a.expires_at, decision: null, session_id: null, action_type: null });
  });

  const codeCases: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
    ['1 allow once', { outcome: 'approved' }, { code: '1', note: null, override: null }, 'approved'],
    ['2 allow for session', { outcome: 'approved', scope: 'session' }, { code: '2', note: null, override: null }, 'approved'],
    ['3 deny', { outcome: 'denied', comment: 'not on prod' }, { code: '3', note: 'not on prod', override: null }, 'denied'],
    ['4 allow with note', { outcome: 'approved', comment: 'add logging first' }, { code: '4', note: 'add logging first', override: null }, 'approved'],
    ['5 allow an edited action', { outcome: 'approved', updated_input: 'rm -rf ./build/cache' }, { code: '5', note: null, override: 'rm -rf ./build/cache' }, 'approved'],
    ['6 always allow', { outcome: 'approved', scope: 'always' }, { code: '6', note: null, override: null }, 'approved'],
  ];
  for (const [name, decision, expected, status] of codeCases) {
    it(`decision code ${name} round-trips from a native decision`, async () => {
      const a = await create();
      await decide(a.approval_id, decision);
      const v = await view(a.approval_id);
      assert.deepEqual(v, { status, expires_at: a.expires_at, decision: expected, session_id: 'sess_123', action_type: 'exec_cmd' });
    });
  }

  it('code 4 carries the picked option\'s letter, as ok2run\'s A/B/C/D questions do', async () => {
    const a = await create({ options: ['Use React', 'Use Vue'] });
    await decide(a.approval_id, { outcome: 'answered', answer: 'B' });
    const v = await view(a.approval_id);
    assert.equal(v.status, 'approved');
    assert.deepEqual(v.decision, { code: '4', note: 'B', override: null });
    const free = await create({ options: ['Use React', 'Use Vue'] });
    await decide(free.approval_id, { outcome: 'answered', answer: 'Svelte, please' });
    assert.deepEqual((await view(free.approval_id)).decision, { code: '4', note: 'Svelte, please', override: null });
  });

  it('an edited structured action becomes the override command (what ok2run\'s hook runs)', async () => {
    const a = await create();
    await decide(a.approval_id, { outcome: 'approved', updated_input: { command: 'npm run build' }, comment: 'no rm' });
    assert.deepEqual((await view(a.approval_id)).decision, { code: '5', note: 'no rm', override: 'npm run build' });
  });

  it('a conditional approval reads as approved with code 4 and the conditions in the note', async () => {
    const a = await create();
    await decide(a.approval_id, { outcome: 'conditional', conditions: { max_rows: 10 } });
    const v = await view(a.approval_id);
    assert.equal(v.status, 'approved');
    assert.equal(v.decision.code, '4');
    assert.match(v.decision.note, /"max_rows":10/);
  });

  it('a cancelled request reads as denied (code 3)', async () => {
    const a = await create();
    assert.equal((await s.call('agent', 'POST', `/v1/requests/${a.approval_id}/cancel`)).status, 200);
    const v = await view(a.approval_id);
    assert.equal(v.status, 'denied');
    assert.equal(v.decision.code, '3');
  });

  it('a target that is not a configured route is refused with 403', async () => {
    const tg = await s.call('agent', 'POST', '/v1/approvals', body({ target: { tg_chat_id: '999999' } }));
    assert.equal(tg.status, 403);
    assert.equal(tg.body.error.code, 'TARGET_NOT_ROUTED');
    assert.match(tg.body.detail, /cannot choose who approves/);
    const mail = await s.call('agent', 'POST', '/v1/approvals', body({ channel: 'email', target: { email_to: 'attacker@evil.example' } }));
    assert.equal(mail.status, 403);
    const routedMail = await s.call('agent', 'POST', '/v1/approvals', body({ channel: 'email', target: { email_to: 'ops@example.com' } }));
    assert.equal(routedMail.status, 200, routedMail.text);
    const numeric = await s.call('agent', 'POST', '/v1/approvals', body({ target: { tg_chat_id: -100200300 } }));
    assert.equal(numeric.status, 200, 'a numeric chat id is the same route');
    const unbound = await s.call('otherAgent', 'POST', '/v1/approvals', body());
    assert.equal(unbound.status, 403, 'an agent without a project has no routes at all');
  });

  it('an empty target leaves routing to the server', async () => {
    const r = await s.call('otherAgent', 'POST', '/v1/approvals', body({ target: { tg_chat_id: '' } }));
    assert.equal(r.status, 200, r.text);
  });

  it('missing or mistyped fields get FastAPI\'s 422 with a detail list', async () => {
    const r = await s.call('agent', 'POST', '/v1/approvals', { title: 'x', expires_in_sec: 0, target: 'chat' });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    const locs = r.body.detail.map((d: { loc: string[] }) => d.loc.join('.'));
    for (const l of ['body.session_id', 'body.action_type', 'body.preview', 'body.expires_in_sec', 'body.target']) assert.ok(locs.includes(l), `${l} in ${locs}`);
    assert.equal(r.body.detail.find((d: { loc: string[] }) => d.loc[1] === 'session_id').msg, 'Field required');
  });

  it('auth: Bearer or X-API-Key; no key 401; approver keys cannot file; others\' approvals are 404', async () => {
    const none = await s.call(null, 'POST', '/v1/approvals', body());
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'UNAUTHENTICATED');
    const viaHeader = await s.call(null, 'POST', '/v1/approvals', body(), { 'x-api-key': KEYS.agent });
    assert.equal(viaHeader.status, 200);
    assert.equal((await s.call('approver', 'POST', '/v1/approvals', body())).status, 403);
    const other = await s.call('otherAgent', 'GET', `/v1/approvals/${viaHeader.body.approval_id}`);
    assert.equal(other.status, 404);
    assert.equal(other.body.detail, 'approval not found');
    assert.equal((await s.call(null, 'GET', `/v1/approvals/${viaHeader.body.approval_id}`)).status, 401);
  });

  it('GET ?wait=SECONDS blocks until decided instead of polling', async () => {
    const a = await create();
    const started = Date.now();
    const waiting = s.call('agent', 'GET', `/v1/approvals/${a.approval_id}?wait=20`);
    await new Promise((r) => setTimeout(r, 100));
    await decide(a.approval_id, { outcome: 'approved' });
    const r = await waiting;
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'approved');
    assert.ok(Date.now() - started < 5000, 'returned on the decision, not at the timeout');
    const tooLong = await s.call('agent', 'GET', `/v1/approvals/${a.approval_id}?wait=999999`);
    assert.equal(tooLong.status, 400);
  });

  describe('email-reply ingestion (the human side)', () => {
    const reply = (role: 'agent' | 'approver', subject: string, text: string) => s.call(role, 'POST', '/v1/inbox/email-reply', { subject, body: text });

    it('an agent key cannot approve through it (ok2run allowed this)', async () => {
      const a = await create();
      const r = await reply('agent', `Run command [${a.approval_id}]`, '1');
      assert.equal(r.status, 403);
      assert.equal((await view(a.approval_id)).status, 'pending');
    });

    it('an approver\'s "4 <note>" approves with the note; quoted text is ignored', async () => {
      const a = await create();
      const r = await reply('approver', `Re: Run command [${a.approval_id}]`, '4 please add logs\n\nOn Tue, Jan 6, ops wrote:\n> 3');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { status: 'approved', approval_id: a.approval_id });
      assert.deepEqual((await view(a.approval_id)).decision, { code: '4', note: 'please add logs', override: null });
    });

    it('"5 <replacement>" approves the edited action; "3" denies; "2" and "6" set the scope', async () => {
      const cases: [string, string, string][] = [['5 npm run build', '5', 'approved'], ['3', '3', 'denied'], ['2', '2', 'approved'], ['6', '6', 'approved']];
      for (const [text, code, status] of cases) {
        const a = await create();
        const r = await reply('approver', `Re: approval ${a.approval_id}`, `${text}\n-- \nAlice, on call`);
        assert.equal(r.status, 200, r.text);
        const v = await view(a.approval_id);
        assert.equal(v.status, status);
        assert.equal(v.decision.code, code);
        if (code === '5') assert.equal(v.decision.override, 'npm run build');
      }
    });

    it('answers a question with "4 <letter>"', async () => {
      const a = await create({ options: ['Use React', 'Use Vue'] });
      assert.equal((await reply('approver', `[${a.approval_id}]`, '4 A')).status, 200);
      assert.deepEqual((await view(a.approval_id)).decision, { code: '4', note: 'A', override: null });
    });

    it('refuses bad menu replies with 422 and a second decision with 409', async () => {
      const a = await create();
      for (const [text, detail] of [['9', 'invalid code'], ['4', 'payload required'], ['   ', 'empty reply']]) {
        const r = await reply('approver', `[${a.approval_id}]`, text);
        assert.equal(r.status, 422, text);
        assert.equal(r.body.detail, detail);
      }
      const noId = await reply('approver', 'hello', '1');
      assert.equal(noId.status, 422);
      assert.equal(noId.body.detail, 'approval_id not found');
      assert.equal((await reply('approver', `[${a.approval_id}]`, '1')).status, 200);
      const again = await reply('approver', `[${a.approval_id}]`, '3');
      assert.equal(again.status, 409);
      assert.equal(again.body.detail, 'approval not pending');
      assert.equal((await view(a.approval_id)).status, 'approved');
    });
  });

  it('hostile strings round-trip verbatim as data; broken bodies never give a 500', async () => {
    const hostile = '<script>alert("x")</script> & <b>bold</b> \' " \u202e ✓ 🚀';
    const a = await create({ title: hostile, preview: hostile, action_type: '<img src=x onerror=alert(1)>', session_id: hostile });
    await decide(a.approval_id, { outcome: 'approved', comment: hostile });
    const v = await view(a.approval_id);
    assert.equal(v.action_type, '<img src=x onerror=alert(1)>');
    assert.equal(v.session_id, hostile);
    assert.equal(v.decision.note, hostile);
    const native = await s.call('approver', 'GET', `/v1/requests/${a.approval_id}`);
    assert.equal(native.body.title, hostile);
    assert.equal(native.body.preview, hostile);

    const broken = await s.call('agent', 'POST', '/v1/approvals', '{"session_id": "x",');
    assert.equal(broken.status, 422);
    assert.equal(broken.body.error.code, 'INVALID_JSON');
    const list = await s.call('agent', 'POST', '/v1/approvals', '[1,2]');
    assert.equal(list.status, 422);
    const huge = await s.call('agent', 'POST', '/v1/approvals', body({ preview: 'x'.repeat(2 * 1024 * 1024) }));
    assert.equal(huge.status, 413);
    const wrongTypes = await s.call('agent', 'POST', '/v1/approvals', body({ title: { $ne: 1 }, options: [1, 2], session_id: 42 }));
    assert.equal(wrongTypes.status, 422);
  });
});

describe('ok2run compatibility: expiry', () => {
  let s: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    s = await startTestServer({ projects: PROJECTS, agents: AGENTS }, { clock });
  });
  after(async () => s.stop());

  it('a request past its deadline reads as expired with no decision', async () => {
    const a = await s.call('agent', 'POST', '/v1/approvals', body({ expires_in_sec: 5 }));
    assert.equal(a.status, 200, a.text);
    clock.advance(6000);
    const early = await s.call('agent', 'GET', `/v1/approvals/${a.body.approval_id}`);
    assert.equal(early.body.status, 'expired', 'expired on read, before the sweep');
    await s.gate.expireDue();
    const v = await s.call('agent', 'GET', `/v1/approvals/${a.body.approval_id}`);
    assert.deepEqual(v.body, { status: 'expired', expires_at: a.body.expires_at, decision: null, session_id: 'sess_123', action_type: 'exec_cmd' });
  });
});
