// End to end with the real Codex CLI (@openai/codex, its native binary from npm), offline against
// a loopback mock of the OpenAI Responses API that answers with one exec_command call. The hooks
// are exactly what `greenlight install codex` wrote and trusted; Codex runs them without
// --dangerously-bypass-hook-trust. `--approve-for-me` gives Codex's interactive defaults (approval
// on request, workspace-write sandbox) in exec mode, so its own approval flow (PermissionRequest)
// runs too. The payloads Codex sent are checked against test/hosts/fixtures/codex-*.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { startHookServer } from '../hooks/helpers.js';
import { type CapturingProxy, filedDuring, GREENLIGHT_BIN, hostBin, hostVersion, matchesFixture, record, runCli, scratch, startCapturingProxy } from './host-kit.js';
import { approvedRemovesIt, deniedLeavesIt, editedRunsAsEdited, type HostUnderTest, policyAllowsIt } from './scenarios.js';
import { startMockOpenAI, type MockOpenAI } from './mock-openai.js';

const CODEX = hostBin('codex');
const VERSION = hostVersion('@openai/codex');
const note = (check: string, text: string, events: string[] = []) => record('codex', '@openai/codex', VERSION, check, text, events);

describe('real Codex CLI with the Greenlight hooks', () => {
  let s: TestServer;
  let proxy: CapturingProxy;
  let mock: MockOpenAI;
  const root = scratch('codex');
  const home = join(root, 'home');
  const env = () => ({
    PATH: `${dirname(CODEX)}${delimiter}${process.env.PATH}`,
    HOME: home,
    GREENLIGHT_URL: proxy.url,
    GREENLIGHT_KEY: KEYS.agent,
    NO_COLOR: '1',
  });

  before(async () => {
    s = await startHookServer();
    proxy = await startCapturingProxy(s.url);
    mock = await startMockOpenAI();
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(
      join(home, '.codex', 'config.toml'),
      ['model = "mock-model"', 'model_provider = "mock"', '', '[model_providers.mock]', 'name = "mock"', `base_url = "${mock.url}/v1"`, 'wire_api = "responses"', ''].join('\n'),
    );
  });
  after(async () => {
    await mock.close();
    await proxy.close();
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const codex = (cwd: string, prompt: string) => runCli(CODEX, ['exec', '--skip-git-repo-check', '--approve-for-me', prompt], { cwd, env: env(), timeoutMs: 120_000 });
  const shell = (cmd: string) => mock.setCall({ tools: ['exec_command', 'shell_command', 'shell'], args: (t) => (t === 'exec_command' ? { cmd } : { command: cmd }) });

  it('greenlight install codex writes ~/.codex/hooks.json and trusts it through Codex itself', () => {
    const r = spawnSync(process.execPath, [GREENLIGHT_BIN, 'install', 'codex'], { env: env(), cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Added Greenlight's codex hooks \(PreToolUse, PermissionRequest, SessionStart, SessionEnd\)/);
    assert.match(r.stdout, /Trusted 4 Greenlight hook\(s\) in Codex/);
    const hooks = JSON.parse(readFileSync(join(home, '.codex', 'hooks.json'), 'utf8'));
    assert.equal(hooks.hooks.PreToolUse[0].hooks[0].timeout, 60);
    assert.equal(hooks.hooks.SessionEnd[0].hooks[0].timeout, 3);
    const toml = readFileSync(join(home, '.codex', 'config.toml'), 'utf8');
    assert.match(toml, /\[hooks\.state\.".*hooks\.json:pre_tool_use:0:0"\]\ntrusted_hash = "sha256:[0-9a-f]{64}"/);
    const again = spawnSync(process.execPath, [GREENLIGHT_BIN, 'install', 'codex'], { env: env(), cwd: root, encoding: 'utf8' });
    assert.match(again.stdout, /already in .*nothing changed[\s\S]*Codex already trusts Greenlight's hooks/);
  });

  const h = (): HostUnderTest => ({ s, root, shell, run: (dir, prompt) => codex(dir, prompt), seen: () => mock.toolOutputs.join('\n') });

  it('a denied rm -rf target leaves the directory, and the model reads the reason', async () => {
    const req = await deniedLeavesIt(h());
    assert.deepEqual(req.input, { command: 'rm -rf target' });
    assert.equal((req.metadata as any).host, 'codex');
    assert.equal((req.metadata as any).hook_event, 'PreToolUse');
    note('deny', 'denied `rm -rf target` is blocked at PreToolUse; the model reads the reason', ['PreToolUse']);
    note('install', '`greenlight install codex` writes hooks.json and trusts it via `codex app-server`; Codex runs it without the bypass flag');
  });

  it('an approved rm -rf target removes it; Codex\'s own approval prompt is answered by that approval, no second ask', async () => {
    const seen = proxy.payloads.length;
    const { filed } = await filedDuring(s, () => approvedRemovesIt(h()));
    assert.equal(filed.length, 1, `one request for one call, got ${filed.map((x) => (x.metadata as any)?.hook_event).join(', ')}`);
    const events = proxy.payloads.slice(seen).map((p) => p.body.hook_event_name);
    assert.ok(events.includes('PermissionRequest'), `Codex asked through PermissionRequest: ${events.join(', ')}`);
    note('approve', 'approved `rm -rf target` runs; Codex\'s own PermissionRequest for it is answered by the same approval', ['PreToolUse', 'PermissionRequest']);
  });

  it('an edited command runs as edited (PreToolUse allow with updatedInput), and Codex\'s own prompt for it is answered too', async () => {
    await editedRunsAsEdited(h());
    note('edit', 'an approver-edited command runs as edited (PreToolUse allow + updatedInput)');
  });

  it('a policy-allowed command runs with no human', async () => {
    await policyAllowsIt(h());
    note('policy', 'policy-allowed `echo …` runs with no human', ['PreToolUse']);
  });

  it('the payloads Codex sent have the shapes of the fixtures the adapter is tested with', () => {
    const byEvent = new Map<string, any>();
    for (const p of proxy.payloads) if (p.host === 'codex' && typeof p.body === 'object') byEvent.set(p.body.hook_event_name, p.body);
    for (const event of ['PreToolUse', 'PermissionRequest', 'SessionEnd']) {
      const live = byEvent.get(event);
      assert.ok(live, `Codex sent no ${event} payload`);
      matchesFixture(`codex-${event}.json`, live, root, `Codex ${VERSION}`);
    }
    note('payload', 'PreToolUse, PermissionRequest and SessionEnd payloads match test/hosts/fixtures/codex-*.json', ['SessionEnd']);
  });
});
