// Config errors for groups and workflows: each says what is wrong and how to fix it, all of them
// at once, before any listener opens.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'gl-workflow-config-'));
let n = 0;
function load(doc: Record<string, unknown>) {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, stringify({ approvers: [{ name: 'alice' }, { name: 'bob' }, { name: 'carol' }], ...doc }));
  return loadConfig({ file, env: {} });
}
function problems(doc: Record<string, unknown>): string {
  try {
    load(doc);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('the config was accepted');
}

const sre = { name: 'sre', members: ['alice', 'bob', 'carol'], on_call: { rotation: 'weekly', time_zone: 'Europe/Berlin', start: '2026-01-05' } };

describe('workflow config', () => {
  it('accepts a 2-of-3 prod workflow with an on-call ladder', () => {
    const { config } = load({
      groups: [sre],
      agents: [{ name: 'deployer', key: 'k'.repeat(32), owner: 'carol' }],
      workflows: [{ name: 'prod', match: { priority: ['high'] }, quorum: { approvals: 2 }, approvers: ['group:sre'], ladder: [{ who: ['oncall:sre'], wait: '5m' }, { who: ['group:sre'], wait: '15m' }], final: 'deny' }],
    });
    assert.equal(config.workflows[0].quorum.deny, 'first');
    assert.equal(config.groups[0].on_call?.hand_over, '09:00');
  });

  it('names every unknown approver, group, rotation and channel, in one message', () => {
    const msg = problems({
      groups: [{ name: 'sre', members: ['alice', 'dave'] }, { name: 'sre', members: ['bob'] }],
      agents: [{ name: 'deployer', key: 'k'.repeat(32), owner: 'zed' }],
      workflows: [
        { name: 'prod', approvers: ['group:ops', 'erin'], ladder: [{ who: ['oncall:sre'], channels: ['slack'] }, { who: ['bob'], targets: ['ntfy:sre-alerts'] }] },
        { name: 'prod', quorum: { approvals: 4 }, approvers: ['group:sre'] },
      ],
    });
    for (const expected of [
      'group "sre" lists member "dave", who is not declared under approvers[].',
      'group "sre" is declared twice; group names must be unique.',
      'workflow "prod" approvers names "group:ops", but no group "ops" is declared under groups[].',
      'workflow "prod" approvers names "erin", who is not declared under approvers[]',
      'workflow "prod" ladder[0].who names "oncall:sre", but group "sre" has no on_call rotation; add one, or use group:sre.',
      'workflow "prod" ladder[0] has no wait; only the last step may leave it out',
      'workflow "prod" ladder[0].channels names "slack", which is not configured under channels (configured: web).',
      'workflow "prod" ladder[1].targets: "ntfy:sre-alerts" is on channel "ntfy", which is not configured under channels.',
      'workflow "prod" is declared twice; workflow names must be unique.',
      'workflow "prod" needs 4 approvals but names only 2 approvers (alice, dave); name more people or lower quorum.approvals.',
      'agent "deployer" has owner "zed", who is not declared under approvers[].',
    ]) {
      assert.ok(msg.includes(expected), `missing: ${expected}\nin: ${msg}`);
    }
  });

  it('says what is wrong with a rotation: time zone, date, order, override order', () => {
    const msg = problems({
      groups: [{ name: 'sre', members: ['alice', 'bob'], on_call: { rotation: 'daily', time_zone: 'Mars/Olympus', start: '2026-02-30', order: ['alice', 'carol'], overrides: [{ approver: 'bob', from: '2026-03-02 09:00', until: '2026-03-01 09:00' }] } }],
    });
    assert.match(msg, /group "sre" on_call\.time_zone: "Mars\/Olympus" is not a time zone Node knows; use an IANA name such as Europe\/Berlin/);
    assert.match(msg, /group "sre" on_call\.start: "2026-02-30" is not a calendar date\./);
    assert.match(msg, /group "sre" on_call\.order names "carol", who is not a member of the group/);
    const zoned = problems({ groups: [{ name: 'sre', members: ['alice'], on_call: { rotation: 'daily', start: '2026-03-01', overrides: [{ approver: 'alice', from: '2026-03-02 09:00', until: '2026-03-01 09:00' }] } }] });
    assert.match(zoned, /overrides\[0\]: until \(2026-03-01 09:00\) must come after from \(2026-03-02 09:00\)\./);
  });

  it('refuses hostile group and approver names, bad durations and an approving final step, by the schema', () => {
    const msg = problems({
      groups: [{ name: '<script>alert(1)</script>', members: ['alice'] }, { name: 'sre\u202e', members: ['alice'] }],
      workflows: [{ name: 'w', ladder: [{ who: ['group:../etc', 'alice"><b>', '@everyone'], wait: '5 minutes' }], final: 'approve' }],
    });
    assert.match(msg, /groups\.0\.name: use letters, digits, \. _ @ -/);
    assert.match(msg, /groups\.1\.name: use letters, digits, \. _ @ -/);
    assert.match(msg, /workflows\.0\.ladder\.0\.who\.0: an approver name, group:<group> or oncall:<group>/);
    assert.match(msg, /workflows\.0\.ladder\.0\.who\.1: an approver name/);
    assert.match(msg, /workflows\.0\.ladder\.0\.who\.2: an approver name/);
    assert.match(msg, /workflows\.0\.ladder\.0\.wait: a duration such as 30s, 5m, 2h or 1d/);
    assert.match(msg, /workflows\.0\.final: Invalid option: expected one of "deny"\|"expire"/);
  });

  it('refuses a step that asks nobody, a workflow that names nobody, and email targets', () => {
    assert.match(problems({ workflows: [{ name: 'w', ladder: [{ wait: '5m' }] }] }), /a step asks someone: give who and\/or targets/);
    assert.match(problems({ workflows: [{ name: 'w' }] }), /a workflow names who approves: give approvers and\/or a ladder/);
    assert.match(
      problems({ channels: { email: { smtp_url: 'smtp://127.0.0.1:25', from: 'a@example.com' } }, workflows: [{ name: 'w', ladder: [{ targets: ['email:sre@example.com'] }] }] }),
      /email reaches approvers, not chats; name them under who with channels: \[email\]/,
    );
  });
});
