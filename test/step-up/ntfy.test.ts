// Step-up on ntfy: a push notification cannot take a code, so a request that needs one is offered
// Deny and Open only, and the text says to approve it on the dashboard.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announcement } from '../../src/channels/ntfy/notification.js';
import { makeRequest } from '../../src/store/fixtures.js';
import { defaultConfig } from '../../src/config/schema.js';
import { createSecretMasker } from '../../src/secrets/masker.js';

describe('step-up on ntfy', () => {
  const mint = (choice: string) => `token-for-${choice}`;
  const view = { publicUrl: 'https://gl.example', secrets: createSecretMasker(defaultConfig().secrets) };
  it('offers Deny and Open only, and says the code is asked on the dashboard', () => {
    const r = makeRequest({ priority: 'critical', policy: { verdict: 'ask', rule: null, reason: 'no rule allows it', step_up: true } });
    const p = announcement(r, 'gl-alice', view, mint);
    assert.deepEqual(p.actions.map((a) => a.label), ['Deny', 'Open']);
    assert.match(p.message, /Needs your code.*Approve it on the dashboard/);
  });

  it('still offers Approve for a request that does not need it', () => {
    const r = makeRequest({ policy: { verdict: 'ask', rule: null, reason: 'no rule allows it' } });
    assert.deepEqual(announcement(r, 'gl-alice', view, mint).actions.map((a) => a.label), ['Approve', 'Deny', 'Open']);
  });
});
