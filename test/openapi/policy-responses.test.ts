// Real responses of the policy routes (dry runs, grants, session ends, ok2run's allow-rules), of
// decisions that give grants, and of the Telegram channel's routes match what the document says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { CreateGrantSchema } from '../../src/grants-admin.js';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { conformsTo } from './conformance.js';
import { TELEGRAM_SECRET, buildAppWithDocs, buildDeps, call, type KeyRole } from './fixture.js';
import { resolveRef, validateJson } from './openapi-check.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);

describe('policy routes: live responses match the document', () => {
  const app = buildAppWithDocs(buildDeps());
  const run = async (role: KeyRole | null, method: string, path: string, template: string, body?: unknown, headers?: Record<string, string>) => {
    const reply = await call(app, role, method, path, body, headers);
    conforms(method, template, reply);
    return reply;
  };
  const evaluate = (body: unknown, role: KeyRole = 'approver') => run(role, 'POST', '/v1/policy/evaluate', '/v1/policy/evaluate', body);

  it('dry-runs an action: the deciding rule, the trace per subcommand, the danger, the suggestions', async () => {
    const allowed = await evaluate({ action: 'Bash(git status)', cwd: '/tmp' });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.body.verdict, 'allow');
    assert.equal(allowed.body.rule, 'Bash(git *)');
    assert.equal(allowed.body.source, 'config:global');

    const dangerous = await evaluate({ action: 'Bash(git status && rm -rf /)', cwd: '/tmp' });
    assert.equal(dangerous.body.verdict, 'ask');
    assert.equal(dangerous.body.dangerous, true);
    assert.ok(dangerous.body.dangerReasons.some((r: string) => /rm of \//.test(r)), JSON.stringify(dangerous.body.dangerReasons));
    assert.deepEqual(dangerous.body.trace.map((t: any) => t.verdict), ['allow', 'ask']);
    assert.deepEqual(dangerous.body.suggestions, [], 'nothing is offered for a dangerous action');

    const asked = await evaluate({ tool: 'Bash', input: { command: 'npm test' }, agent: 'agent-a', cwd: '/tmp' });
    assert.equal(asked.body.verdict, 'ask');
    assert.equal(asked.body.suggestions[0].kind, 'exact');
    assert.ok(asked.body.suggestions.some((s: any) => s.rule === 'Bash(npm test *)'), JSON.stringify(asked.body.suggestions));

    const denied = await evaluate({ action: 'Bash(git push --force origin main)' });
    assert.equal(denied.body.verdict, 'deny');
    assert.equal(denied.body.rule, 'Bash(git push --force *)');
  });

  it('documents the dry run\'s refusals: 400, 401, 403, 415', async () => {
    assert.equal((await evaluate({ action: 'Bash(x)', tool: 'Bash' })).status, 400);
    assert.equal((await evaluate({})).status, 400);
    assert.equal((await evaluate({ action: 'not an action(' })).status, 400);
    assert.equal((await evaluate({ action: 'Bash(ls)' }, 'agent')).status, 403, 'agents cannot read policy');
    assert.equal((await run(null, 'POST', '/v1/policy/evaluate', '/v1/policy/evaluate', { action: 'Bash(ls)' })).status, 401);
    assert.equal((await run('approver', 'POST', '/v1/policy/evaluate', '/v1/policy/evaluate', 'x', { 'content-type': 'application/xml' })).status, 415);
  });

  it('the documented dry-run body accepts what the route accepts and refuses what it refuses', async () => {
    const schema = { $ref: '#/components/schemas/EvaluatePolicy' };
    for (const good of [{ action: 'Bash(ls)' }, { tool: 'Read', input: { file_path: '/etc/hosts' }, agent: 'a', project: null, session_id: 's', cwd: '/' }]) {
      assert.deepEqual(validateJson(spec, schema, good), [], JSON.stringify(good));
      assert.equal((await evaluate(good)).status, 200, JSON.stringify(good));
    }
    for (const bad of [{}, { action: 'Bash(ls)', tool: 'Bash' }, { action: '' }, { action: 'Bash(ls)', surprise: 1 }]) {
      assert.notDeepEqual(validateJson(spec, schema, bad), [], JSON.stringify(bad));
      assert.equal((await evaluate(bad)).status, 400, JSON.stringify(bad));
    }
  });

  it('gives, lists and revokes grants; an allow grant approves the pending requests it covers', async () => {
    const pending = await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'tests', tool: 'Bash', input: { command: 'npm test -- --grep policy' } });
    assert.equal(pending.body.status, 'pending');
    assert.ok(pending.body.policy.trace.length > 0);

    const given = await run('admin', 'POST', '/v1/grants', '/v1/grants', { rule: 'Bash(npm test *)', agent: 'agent-a', max_uses: 10, expires_in_sec: 3600 });
    assert.equal(given.status, 201);
    assert.equal(given.body.scope, 'always');
    assert.equal(given.body.created_by, 'root');
    const covered = await run('agent', 'GET', `/v1/requests/${pending.body.id}`, '/v1/requests/{id}');
    assert.equal(covered.body.status, 'approved', 'the grant resolved the pending request it covers');

    const listed = await run('approver', 'GET', '/v1/grants?agent=agent-a&limit=10', '/v1/grants');
    assert.ok(listed.body.items.some((g: any) => g.id === given.body.id));
    const rules = await run('admin', 'GET', '/v1/allow-rules', '/v1/allow-rules');
    assert.ok(rules.body.rules.some((r: any) => r.rule_id === given.body.id && r.action_type === 'Bash'));
    const allowed = await evaluate({ action: 'Bash(npm test)', agent: 'agent-a' });
    assert.equal(allowed.body.verdict, 'allow');
    assert.deepEqual(allowed.body.grantIds, [given.body.id]);

    const revoked = await run('admin', 'DELETE', `/v1/grants/${given.body.id}`, '/v1/grants/{id}');
    assert.ok(revoked.body.revoked_at);
    assert.equal((await run('admin', 'DELETE', `/v1/grants/${given.body.id}`, '/v1/grants/{id}')).status, 200, 'revoking twice changes nothing');
    assert.equal((await run('admin', 'GET', '/v1/grants?include_revoked=true', '/v1/grants')).body.items.length >= 1, true);

    const other = await run('admin', 'POST', '/v1/grants', '/v1/grants', { rule: 'WebFetch(domain:example.com)' });
    const gone = await run('admin', 'DELETE', `/v1/allow-rules/${other.body.id}`, '/v1/allow-rules/{id}');
    assert.deepEqual(gone.body, { rule_id: other.body.id, status: 'revoked', client_id: null, action_type: 'WebFetch' });
  });

  it('documents the grant refusals: a malformed rule with the parser\'s message, an unknown project, 403, 404', async () => {
    const malformed = await run('approver', 'POST', '/v1/grants', '/v1/grants', { rule: 'Bash(git status' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error.message, /missing the closing "\)"/);
    assert.equal((await run('approver', 'POST', '/v1/grants', '/v1/grants', { rule: 'Read', project: 'nope' })).status, 400);
    assert.equal((await run('approver', 'POST', '/v1/grants', '/v1/grants', { rule: 'Read', effect: 'maybe' })).status, 400);
    assert.equal((await run('agent', 'POST', '/v1/grants', '/v1/grants', { rule: 'Bash' })).status, 403, 'an agent cannot widen its own grants');
    assert.equal((await run('agent', 'GET', '/v1/grants', '/v1/grants')).status, 403);
    assert.equal((await run('approver', 'GET', '/v1/grants?limit=0', '/v1/grants')).status, 400);
    assert.equal((await run('admin', 'DELETE', '/v1/grants/grt_nope', '/v1/grants/{id}')).status, 404);
    assert.equal((await run('admin', 'DELETE', '/v1/allow-rules/grt_nope', '/v1/allow-rules/{id}')).status, 404);
    assert.equal((await run('agent', 'GET', '/v1/allow-rules', '/v1/allow-rules')).status, 403);
  });

  it('an approval for the session gives the grant the approver picked; ending the session revokes it', async () => {
    const first = await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'build', session_id: 'sess-1', tool: 'Bash', input: { command: 'npm run build' } });
    assert.equal(first.body.status, 'pending');
    const prefix = first.body.policy.suggestions.find((s: any) => s.kind === 'prefix');
    assert.ok(prefix, JSON.stringify(first.body.policy.suggestions));

    const notOffered = await run('approver', 'POST', `/v1/requests/${first.body.id}/decision`, '/v1/requests/{id}/decision', { outcome: 'approved', scope: 'always', grant_rule: 'Bash' });
    assert.equal(notOffered.status, 400);
    assert.equal((await run('approver', 'POST', `/v1/requests/${first.body.id}/decision`, '/v1/requests/{id}/decision', { outcome: 'approved', grant_rule: prefix.rule })).status, 400, 'grant_rule needs a wider scope');

    const decided = await run('approver', 'POST', `/v1/requests/${first.body.id}/decision`, '/v1/requests/{id}/decision', { outcome: 'approved', scope: 'session', grant_rule: prefix.rule });
    assert.equal(decided.status, 200);
    const second = await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'build again', session_id: 'sess-1', tool: 'Bash', input: { command: 'npm run build -- --prod' } });
    assert.equal(second.body.status, 'approved', 'the session grant allowed it at once');

    assert.equal((await run('approver', 'POST', '/v1/sessions/sess-1/end', '/v1/sessions/{id}/end')).status, 403);
    assert.equal((await run('admin', 'POST', '/v1/sessions/sess-1/end', '/v1/sessions/{id}/end')).status, 400, 'an admin names the agent');
    const ended = await run('agent', 'POST', '/v1/sessions/sess-1/end', '/v1/sessions/{id}/end');
    assert.deepEqual(ended.body, { agent: 'agent-a', session_id: 'sess-1', grants_revoked: 1 });
    assert.equal((await run('admin', 'POST', '/v1/sessions/sess-1/end?agent=agent-a', '/v1/sessions/{id}/end')).body.grants_revoked, 0);
    const third = await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'build once more', session_id: 'sess-1', tool: 'Bash', input: { command: 'npm run build' } });
    assert.equal(third.body.status, 'pending', 'the grant ended with the session');
  });

  it('a dangerous request carries its danger reasons, and can only be approved once', async () => {
    const req = await run('agent', 'POST', '/v1/requests', '/v1/requests', { title: 'clean up', session_id: 'sess-2', tool: 'Bash', input: { command: 'git status && rm -rf /' } });
    assert.equal(req.body.status, 'pending');
    assert.equal(req.body.policy.dangerous, true);
    assert.ok(req.body.policy.danger_reasons.length > 0);
    const widened = await run('approver', 'POST', `/v1/requests/${req.body.id}/decision`, '/v1/requests/{id}/decision', { outcome: 'approved', scope: 'always' });
    assert.equal(widened.status, 403);
    assert.equal((await run('approver', 'POST', `/v1/requests/${req.body.id}/decision`, '/v1/requests/{id}/decision', { outcome: 'denied' })).status, 200);
  });
});

describe('the grant body comes from CreateGrantSchema', () => {
  it('has its fields, required fields and bounds, and refuses unknown fields', () => {
    const documented = resolveRef(spec, spec.paths['/v1/grants'].post.requestBody.content['application/json'].schema.$ref);
    const generated: any = z.toJSONSchema(CreateGrantSchema, { io: 'input' });
    assert.deepEqual(Object.keys(documented.properties), Object.keys(generated.properties));
    assert.deepEqual(documented.required, generated.required);
    assert.equal(documented.additionalProperties, false);
    assert.deepEqual(documented.properties.effect.enum, ['allow', 'ask', 'deny']);
    for (const [name, prop] of Object.entries<any>(documented.properties)) assert.ok(prop.description, `${name} needs a description`);
    const example = spec.paths['/v1/grants'].post.requestBody.content['application/json'].example;
    assert.equal(CreateGrantSchema.safeParse(example).success, true);
    assert.deepEqual(validateJson(spec, { $ref: '#/components/schemas/CreateGrant' }, example), []);
  });

  it('documents grant_rule on decisions', () => {
    const decide = resolveRef(spec, '#/components/schemas/Decide');
    assert.match(decide.properties.grant_rule.description, /policy\.suggestions/);
  });
});

describe('telegram routes: live responses match the document', () => {
  const app = buildAppWithDocs(buildDeps());
  const run = async (role: KeyRole | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const reply = await call(app, role, method, path, body, headers);
    conforms(method, path, reply);
    return reply;
  };
  const secret = { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET };

  it('takes updates only with the secret token', async () => {
    assert.equal((await run(null, 'POST', '/v1/telegram/webhook', { update_id: 1 })).status, 403);
    assert.equal((await run(null, 'POST', '/v1/telegram/webhook', { update_id: 1 }, { 'x-telegram-bot-api-secret-token': 'wrong-secret-0123456789' })).status, 403);
    assert.equal((await run(null, 'POST', '/v1/telegram/webhook', { nope: true }, secret)).status, 400);
    const ok = await run(null, 'POST', '/v1/telegram/webhook', { update_id: 2 }, secret);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { ok: true });
  });

  it('sets up and removes the webhook (admins only)', async () => {
    const set = await run('admin', 'POST', '/v1/telegram/setup-webhook', {});
    assert.equal(set.status, 200);
    assert.equal(set.body.webhook_url, 'https://greenlight.example.com/v1/telegram/webhook');
    assert.equal((await run('admin', 'POST', '/v1/telegram/setup-webhook', { url: 'ftp://x' })).status, 400);
    assert.equal((await run('approver', 'POST', '/v1/telegram/setup-webhook', {})).status, 403);
    assert.equal((await run('admin', 'DELETE', '/v1/telegram/webhook')).status, 200);
    assert.equal((await run('agent', 'DELETE', '/v1/telegram/webhook')).status, 403);
  });
});
