// Real responses of the step-up routes (src/step-up/routes.ts) match what the document says: the
// status, the set-up (the secret once), codes right and wrong, passkey options, and the refusals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSync } from 'otplib';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { conformsTo } from './conformance.js';
import { buildApp, buildDeps, call, type KeyRole } from './fixture.js';

const spec: any = buildOpenApiSpec('1.2.3');
const conforms = conformsTo(spec);

describe('step-up routes: live responses match the document', () => {
  const app = buildApp(buildDeps());
  const run = async (role: KeyRole | null, method: string, path: string, template: string, body?: unknown) => {
    const reply = await call(app, role, method, path, body);
    conforms(method, template, reply);
    return reply;
  };

  it('answers every operation as documented, refusals included', async () => {
    assert.equal((await run('approver', 'GET', '/v1/step-up', '/v1/step-up')).status, 200);
    assert.equal((await run('agent', 'GET', '/v1/step-up', '/v1/step-up')).status, 403);
    assert.equal((await run(null, 'GET', '/v1/step-up', '/v1/step-up')).status, 401);
    const started = await run('approver', 'POST', '/v1/step-up/totp', '/v1/step-up/totp');
    assert.equal(started.status, 201);
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp/confirm', '/v1/step-up/totp/confirm', { code: 'abc' })).status, 400);
    const wrong = String((Number(generateSync({ secret: started.body.secret })) + 1) % 1_000_000).padStart(6, '0');
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp/confirm', '/v1/step-up/totp/confirm', { code: wrong })).status, 403);
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp/confirm', '/v1/step-up/totp/confirm', { code: generateSync({ secret: started.body.secret }) })).status, 200);
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp/confirm', '/v1/step-up/totp/confirm', { code: '123456' })).status, 409);
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp', '/v1/step-up/totp')).status, 409);
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp/remove', '/v1/step-up/totp/remove', { code: '12' })).status, 400);
    assert.equal((await run('approver', 'DELETE', '/v1/step-up/totp/alice', '/v1/step-up/totp/{approver}')).status, 403);
    assert.equal((await run('admin', 'DELETE', '/v1/step-up/totp/alice', '/v1/step-up/totp/{approver}')).status, 200);
    assert.equal((await run('admin', 'DELETE', '/v1/step-up/totp/alice', '/v1/step-up/totp/{approver}')).status, 404);
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp/remove', '/v1/step-up/totp/remove', {})).status, 200, 'nothing to prove when none is set up');

    const options = await run('approver', 'POST', '/v1/step-up/passkeys/options', '/v1/step-up/passkeys/options');
    assert.equal(options.status, 200);
    assert.equal(options.body.rp.id, 'localhost');
    assert.equal((await run('approver', 'POST', '/v1/step-up/passkeys', '/v1/step-up/passkeys', { response: 'x' })).status, 400);
    assert.equal((await run('approver', 'POST', '/v1/step-up/passkeys', '/v1/step-up/passkeys', { response: { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } } })).status, 403);
    assert.equal((await run('approver', 'DELETE', '/v1/step-up/passkeys/nope', '/v1/step-up/passkeys/{id}')).status, 404);
    assert.equal((await run('approver', 'POST', '/v1/step-up/passkeys/challenge', '/v1/step-up/passkeys/challenge', { request_id: 'nope' })).status, 400);
    assert.equal((await run('approver', 'POST', '/v1/step-up/passkeys/challenge', '/v1/step-up/passkeys/challenge', { request_id: 'req_01jbz9m6x8k2v4n7q1w3e5r7t9' })).status, 404);
    assert.equal((await run('approver', 'POST', '/v1/step-up/totp/confirm', '/v1/step-up/totp/confirm', '{"code":')).status, 400);
  });
});
