import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../config/schema.js';
import type { ApprovalRequest, RequestEvent } from '../../core/types.js';
import { parseTelegramSettings } from './config.js';
import { chatsFor, planTelegram } from './telegram-channel.js';

const TOKEN = '123456789:AAHgreenlightEmulatorToken0123456789';
const config = ConfigSchema.parse({
  approvers: [{ name: 'alice', telegram_user_id: 42 }, { name: 'bob', telegram_user_id: 43, projects: ['api'] }],
  projects: [{ name: 'web', routes: [{ channel: 'telegram', target: '-1001' }, { channel: 'telegram', target: '-1002' }, { channel: 'email', target: 'x@example.com' }] }, { name: 'api' }],
  channels: { telegram: { bot_token: TOKEN, chats: ['-100'] } },
});
const settings = parseTelegramSettings(config)!;
const ctx = {
  config,
  approversFor: (r: ApprovalRequest) => config.approvers.filter((a) => a.projects.length === 0 || (r.project !== null && a.projects.includes(r.project))).map((a) => ({ name: a.name, telegram_user_id: a.telegram_user_id })),
};
const req = (over: Partial<ApprovalRequest>) => ({ id: 'req_01m80m12h2zq9n4jnk3tyybakp', status: 'pending', project: null, channel: null, target: null, decision: null, created_at: 5, ...over }) as ApprovalRequest;

describe('chatsFor', () => {
  it('uses the project\'s telegram routes, else the default chats', () => {
    assert.deepEqual(chatsFor(req({ project: 'web' }), settings, ctx), ['-1001', '-1002']);
    assert.deepEqual(chatsFor(req({ project: 'api' }), settings, ctx), ['-100']);
  });

  it('narrows to the chat the agent hinted only when it is a telegram route of the project', () => {
    assert.deepEqual(chatsFor(req({ project: 'web', channel: 'telegram', target: '-1002' }), settings, ctx), ['-1002']);
    assert.deepEqual(chatsFor(req({ project: 'web', target: 'x@example.com' }), settings, ctx), ['-1001', '-1002']);
    assert.deepEqual(chatsFor(req({ project: 'api', target: '-1002' }), settings, ctx), ['-100']);
  });

  it('falls back to routed approvers\' private chats, or adds them with approver_chats: always', () => {
    const none = { ...settings, chats: [] };
    assert.deepEqual(chatsFor(req({ project: 'api' }), none, ctx), ['42', '43']);
    assert.deepEqual(chatsFor(req({ project: null }), none, ctx), ['42']);
    assert.deepEqual(chatsFor(req({ project: 'api' }), { ...settings, approver_chats: 'always' }, ctx), ['-100', '42', '43']);
    assert.deepEqual(chatsFor(req({ project: 'api' }), { ...none, approver_chats: 'never' }, ctx), []);
  });
});

describe('planTelegram', () => {
  const event = (type: RequestEvent['type'], over: Partial<ApprovalRequest> = {}): RequestEvent => ({ type, request: req({ project: 'web', ...over }), at: 5 });

  it('announces a pending request in each chat, and updates once when it is settled', () => {
    const created = planTelegram(event('request.created'), settings, ctx, 5);
    assert.deepEqual(created.map((i) => [i.kind, i.target, i.payload.op, i.payload.chat_id]), [['telegram', '-1001', 'announce', '-1001'], ['telegram', '-1002', 'announce', '-1002']]);
    const decided = planTelegram(event('request.decided', { status: 'denied', decision: { decided_by_kind: 'approver', decided_at: 9 } as never }), settings, ctx, 9);
    assert.deepEqual(decided.map((i) => i.payload.op), ['update']);
    assert.deepEqual(planTelegram(event('request.expired', { status: 'expired' }), settings, ctx, 9).map((i) => i.payload.op), ['update']);
  });

  it('plans nothing for a request the policy settled on arrival', () => {
    const auto = { status: 'approved', decision: { decided_by_kind: 'policy', decided_at: 5 } } as Partial<ApprovalRequest>;
    assert.deepEqual(planTelegram(event('request.created', auto), settings, ctx, 5), []);
    assert.deepEqual(planTelegram(event('request.decided', auto), settings, ctx, 5), []);
  });
});
