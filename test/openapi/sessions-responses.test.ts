// Real responses of the agent-sessions routes (src/sessions/routes.ts) match what the document
// says: list, start, read, prompt, stop, resume, end, and their refusals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContextSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/ids.js';
import { createHttpApp } from '../../src/http/app.js';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { silentLogger } from '../../src/log.js';
import { createSessions } from '../../src/sessions/service.js';
import { scriptedRunner } from '../sessions/fixtures.js';
import { conformsTo } from './conformance.js';
import { buildDeps, call, type KeyRole } from './fixture.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);

describe('agent-sessions routes: live responses match the document', () => {
  const deps = buildDeps();
  const config = { ...deps.config, contexts: [ContextSchema.parse({ name: 'web', directory: '/srv/web' })] };
  const script = scriptedRunner();
  const sessions = createSessions({ gate: deps.gate, store: deps.gate.deps.store, config, clock: systemClock, logger: silentLogger, runner: script.runner });
  const app = createHttpApp(deps, [sessions.routes]);
  const run = async (role: KeyRole | null, method: string, path: string, template: string, body?: unknown) => {
    const reply = await call(app, role, method, path, body);
    conforms(method, template, reply);
    return reply;
  };

  it('answers every operation as documented, refusals included', async () => {
    assert.equal((await run('approver', 'GET', '/v1/agent-sessions', '/v1/agent-sessions')).status, 200);
    assert.equal((await run('agent', 'GET', '/v1/agent-sessions', '/v1/agent-sessions')).status, 403);
    assert.equal((await run('admin', 'POST', '/v1/agent-sessions', '/v1/agent-sessions', { context: 'web', prompt: 'hi' })).status, 403);
    assert.equal((await run('approver', 'POST', '/v1/agent-sessions', '/v1/agent-sessions', { context: 'nope', prompt: 'hi' })).status, 404);
    assert.equal((await run('approver', 'POST', '/v1/agent-sessions', '/v1/agent-sessions', { context: 'web' })).status, 400);
    const started = await run('approver', 'POST', '/v1/agent-sessions', '/v1/agent-sessions', { context: 'web', prompt: 'hi' });
    assert.equal(started.status, 201);
    const id = started.body.id;
    const t = '/v1/agent-sessions/{id}';
    assert.equal((await run('approver', 'POST', `/v1/agent-sessions/${id}/prompt`, `${t}/prompt`, { text: 'again' })).status, 409);
    script.turns[0].emit({ type: 'text', text: 'hello' });
    script.turns[0].emit({ type: 'usage', costUsd: 0.01, inputTokens: 3, outputTokens: 4 });
    assert.equal((await run('approver', 'POST', `/v1/agent-sessions/${id}/stop`, `${t}/stop`)).status, 200);
    const detail = await run('approver', 'GET', `/v1/agent-sessions/${id}`, t);
    assert.equal(detail.body.events[0].kind, 'prompt');
    assert.equal((await run('approver', 'GET', '/v1/agent-sessions', '/v1/agent-sessions')).body.items.length, 1);
    assert.equal((await run('approver', 'POST', `/v1/agent-sessions/${id}/end`, `${t}/end`)).status, 200);
    assert.equal((await run('approver', 'POST', `/v1/agent-sessions/${id}/resume`, `${t}/resume`)).status, 202);
    assert.equal((await run('approver', 'POST', `/v1/agent-sessions/${id}/prompt`, `${t}/prompt`, { text: 'more' })).status, 202);
    assert.equal((await run('approver', 'GET', '/v1/agent-sessions/ses_missing', t)).status, 404);
    await sessions.close();
  });
});
