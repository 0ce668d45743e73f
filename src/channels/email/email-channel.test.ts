// plan() is pure: which outbox items each event causes, for whom. Sending is tested against a
// real SMTP server in test/email/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../config/schema.js';
import type { Gate } from '../../core/gate.js';
import { ManualClock } from '../../core/ids.js';
import type { ApprovalRequest, RequestEvent } from '../../core/types.js';
import { createMetrics } from '../../http/metrics.js';
import { silentLogger } from '../../log.js';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { createChannelContext } from '../registry.js';
import { emailChannelFactory, messageIdFor } from './email-channel.js';

const config = (email: unknown = { smtp_url: 'smtp://127.0.0.1:2525', from: 'approvals@example.com' }) =>
  ConfigSchema.parse({
    approvers: [
      { name: 'alice', email: 'alice@example.com' },
      { name: 'bob', email: 'bob@example.com', projects: ['ops'] },
      { name: 'carol', telegram_user_id: 7 },
    ],
    projects: [{ name: 'ops', routes: [{ channel: 'email', target: 'bob@example.com' }] }],
    channels: email === null ? {} : { email },
  });

const channelFor = (cfg = config()) => emailChannelFactory(createChannelContext({ gate: {} as Gate, store: new MemoryStore(), config: cfg, clock: new ManualClock(), logger: silentLogger, metrics: createMetrics(), publicUrl: () => 'https://gl.example.com' }));

const req = (over: Partial<ApprovalRequest> = {}) => ({ id: 'req_01jzzzzzzzzzzzzzzzzzzzzzzz', status: 'pending', project: null, channel: null, target: null, decision: null, ...over }) as ApprovalRequest;
const ev = (type: RequestEvent['type'], request: ApprovalRequest): RequestEvent => ({ type, request, at: 1000 });

describe('email channel plan', () => {
  it('is off without channels.email and refuses a broken section at startup', () => {
    assert.equal(channelFor(config(null)), null);
    assert.throws(() => channelFor(config({ smtp_url: 'smtp://x' })), /channels\.email\.from/);
  });

  it('announces a pending request to every routed approver with an address', () => {
    const ch = channelFor()!;
    const items = ch.plan(ev('request.created', req()));
    assert.deepEqual(items.map((i) => [i.kind, i.target, i.payload.type, i.payload.approver, i.next_attempt_at]), [['email', 'alice@example.com', 'announce', 'alice', 1000]]);
    const ops = ch.plan(ev('request.created', req({ project: 'ops' })));
    assert.deepEqual(ops.map((i) => i.target), ['alice@example.com', 'bob@example.com']);
    const narrowed = ch.plan(ev('request.created', req({ project: 'ops', channel: 'email', target: 'BOB@example.com' })));
    assert.deepEqual(narrowed.map((i) => i.target), ['bob@example.com'], 'a configured email route narrows the recipients');
  });

  it('updates the thread on decided, expired and cancelled — never for what the policy decided', () => {
    const ch = channelFor()!;
    const human = { decided_by: 'alice', via: 'telegram' } as ApprovalRequest['decision'];
    assert.equal(ch.plan(ev('request.decided', req({ status: 'approved', decision: human })))[0].payload.type, 'update');
    assert.equal(ch.plan(ev('request.expired', req({ status: 'expired', decision: { ...human!, via: 'timeout' } }))).length, 1);
    assert.equal(ch.plan(ev('request.cancelled', req({ status: 'cancelled' }))).length, 1);
    const policy = { ...human!, via: 'policy' };
    assert.deepEqual(ch.plan(ev('request.created', req({ status: 'approved', decision: policy }))), []);
    assert.deepEqual(ch.plan(ev('request.decided', req({ status: 'approved', decision: policy }))), []);
  });

  it('Message-IDs are stable and safe for any approver name', () => {
    assert.equal(messageIdFor('req_1', 'alice'), '<req_1.alice@greenlight>');
    assert.equal(messageIdFor('req_1', 'a.b@c', 'denied'), '<req_1.a=2eb=40c.denied@greenlight>');
  });
});
