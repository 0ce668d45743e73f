// `greenlight slack manifest`: the app manifest (once through the built CLI, node bin/greenlight.js,
// the rest through its run function). Its bot scopes
// are exactly what the channel uses: a rig whose fake Slack grants only the manifest's scopes runs
// every kind of call (cards, a cut card's file, edits, ephemeral refusals, a modal, the slash
// command) without one `missing_scope`, and uses every scope it asks for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runSlack } from '../../src/cli/slack.js';
import { runCli } from '../cli/cli-helpers.js';
import { ALICE, APPROVALS, MALLORY, bash, startSlackRig, until, type SlackRig } from './rig.js';

async function manifest(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSlack(['manifest', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('greenlight slack manifest', { timeout: 60_000 }, () => {
  it('socket mode (the default, from the real CLI): no URLs, Socket Mode on, the slash command and interactivity', async () => {
    const { code, stdout, stderr } = await runCli(['slack', 'manifest']);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const m = JSON.parse(stdout);
    assert.equal(m.settings.socket_mode_enabled, true);
    assert.deepEqual(m.settings.interactivity, { is_enabled: true });
    assert.equal(m.features.slash_commands[0].command, '/greenlight');
    assert.equal(m.features.slash_commands[0].url, undefined);
    assert.deepEqual(m.oauth_config.scopes.bot, ['chat:write', 'commands', 'files:write']);
    assert.equal(m.oauth_config.scopes.user, undefined, 'no user scopes');
  });

  it('http mode: the request URLs on the public URL; without one it says what is missing', async () => {
    const m = JSON.parse((await manifest(['--mode', 'http', '--url', 'https://gl.example.com/'])).out);
    assert.equal(m.settings.socket_mode_enabled, false);
    assert.equal(m.settings.interactivity.request_url, 'https://gl.example.com/v1/slack/interactions');
    assert.equal(m.features.slash_commands[0].url, 'https://gl.example.com/v1/slack/commands');
    const missing = await manifest(['--mode', 'http']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /public URL/);
    const bad = await manifest(['--mode', 'carrier-pigeon']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--mode is socket or http/);
  });

  describe('its scopes are exactly the ones used', () => {
    let rig: SlackRig;
    let scopes: string[];
    before(async () => {
      scopes = JSON.parse((await manifest(['--mode', 'socket'])).out).oauth_config.scopes.bot;
      rig = await startSlackRig('socket');
      rig.slack.scopes = new Set(scopes);
    });
    after(() => rig?.stop());

    it('every call succeeds with them, and each is used', async () => {
      const { request, card } = await rig.file(bash('make release'));
      const cut = await rig.file(bash(`echo ${'y'.repeat(4000)}`));
      await until('the file', () => rig.slack.files.find((f) => f.filename === `${cut.request.id}.txt` && f.channel));
      await rig.slack.click(MALLORY, card, 'gl:approve', 'socket');
      await until('the ephemeral', () => rig.slack.ephemerals.find((e) => e.user === MALLORY));
      await rig.slack.click(ALICE, card, 'gl:deny_reason', 'socket');
      const modal = await until('the modal', () => rig.slack.views.find((v) => v.view.private_metadata.includes(request.id)));
      await rig.slack.submit(modal, { reason: 'not now' }, 'socket');
      await until('the card edited', () => (rig.slack.cardOf(request.id, APPROVALS)!.versions.length > 1 ? true : undefined));
      await rig.slack.command(ALICE, 'pending', APPROVALS, 'socket');
      assert.deepEqual(rig.slack.calls.filter((c) => c.error === 'missing_scope'), []);
      assert.deepEqual([...rig.slack.scopesUsed].sort(), [...scopes].sort());
    });
  });
});
