// End to end with the real OpenCode CLI (opencode-ai, its native binary from npm), offline against
// a loopback mock of the OpenAI Responses API (OpenCode's built-in openai provider with a loopback
// baseURL) that answers with one `bash` call. Greenlight's plugin is the file `greenlight install
// opencode` wrote into $XDG_CONFIG_HOME/opencode/plugins. The payload the plugin forwarded is
// checked against test/hosts/fixtures/opencode-tool.execute.before.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { startHookServer } from '../hooks/helpers.js';
import { type CapturingProxy, filedDuring, GREENLIGHT_BIN, hostBin, hostVersion, matchesFixture, record, runCli, scratch, startCapturingProxy } from './host-kit.js';
import { approvedRemovesIt, deniedLeavesIt, editedRunsAsEdited, type HostUnderTest, policyAllowsIt } from './scenarios.js';
import { startMockOpenAI, type MockOpenAI } from './mock-openai.js';

const OPENCODE = hostBin('opencode');
const VERSION = hostVersion('opencode-ai');
const note = (check: string, text: string, events: string[] = []) => record('opencode', 'opencode-ai', VERSION, check, text, events);

describe('real OpenCode CLI with the Greenlight plugin', () => {
  let s: TestServer;
  let proxy: CapturingProxy;
  let mock: MockOpenAI;
  const root = scratch('opencode');
  const config = join(root, 'config');
  const pluginFile = join(config, 'opencode', 'plugins', 'greenlight.js');
  const env = () => ({
    PATH: process.env.PATH,
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: config,
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CACHE_HOME: join(root, 'cache'),
    XDG_STATE_HOME: join(root, 'state'),
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    NO_COLOR: '1',
    GREENLIGHT_URL: proxy.url,
    GREENLIGHT_KEY: KEYS.agent,
  });

  /** opencode.json: the mock as the openai provider; `permission` as the test needs it. */
  function writeConfig(permission: Record<string, string> | null) {
    mkdirSync(join(config, 'opencode'), { recursive: true });
    const c = {
      $schema: 'https://opencode.ai/config.json',
      model: 'openai/mock-model',
      provider: { openai: { options: { baseURL: `${mock.url}/v1`, apiKey: 'mock-key' }, models: { 'mock-model': { name: 'mock' } } } },
      autoupdate: false,
      share: 'disabled',
      ...(permission ? { permission } : {}),
    };
    writeFileSync(join(config, 'opencode', 'opencode.json'), JSON.stringify(c, null, 2));
  }

  before(async () => {
    s = await startHookServer();
    proxy = await startCapturingProxy(s.url);
    mock = await startMockOpenAI();
    writeConfig(null);
  });
  after(async () => {
    await mock.close();
    await proxy.close();
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const opencode = (cwd: string, prompt: string) => runCli(OPENCODE, ['run', prompt], { cwd, env: env(), timeoutMs: 120_000 });
  const shell = (command: string) => mock.setCall({ tools: ['bash'], args: () => ({ command, description: 'asked by the test' }) });

  it('greenlight install opencode writes the plugin into OpenCode\'s plugins directory', () => {
    const r = spawnSync(process.execPath, [GREENLIGHT_BIN, 'install', 'opencode'], { env: env(), cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Added Greenlight's opencode hooks .* to .*opencode\/plugins\/greenlight\.js/);
    assert.match(readFileSync(pluginFile, 'utf8'), /export \{ GreenlightPlugin \} from "file:\/\/.*opencode-plugin\.js"/);
  });

  // OpenCode prints a thrown plugin error itself; the model's view is in the mock.
  const h = (): HostUnderTest => ({ s, root, shell, run: (dir, prompt) => opencode(dir, prompt), seen: (r) => `${mock.toolOutputs.join('\n')}\n${r.stdout}\n${r.stderr}` });

  it('a denied rm -rf target leaves the directory, and the model reads the reason', async () => {
    const req = await deniedLeavesIt(h());
    assert.equal((req.metadata as any).host, 'opencode');
    note('deny', 'denied `rm -rf target` does not run (the plugin throws in tool.execute.before); the model reads the reason', ['tool.execute.before']);
    note('install', '`greenlight install opencode` writes the plugin file OpenCode loads from $XDG_CONFIG_HOME/opencode/plugins');
  });

  it('an approved rm -rf target removes it', async () => {
    await approvedRemovesIt(h());
    note('approve', 'approved `rm -rf target` runs');
  });

  it('an edited command runs as edited', async () => {
    await editedRunsAsEdited(h());
    note('edit', 'an approver-edited shell command runs as edited (the plugin rewrites the call\'s args)');
  });

  it('a policy-allowed command runs with no human', async () => {
    await policyAllowsIt(h());
    note('policy', 'policy-allowed `echo …` runs with no human');
  });

  it('with "bash": "ask", OpenCode\'s own prompt for a call the gate approved is answered by the plugin', async () => {
    writeConfig({ bash: 'ask' });
    try {
      const { filed } = await filedDuring(s, () => approvedRemovesIt(h()));
      assert.equal(filed.length, 1);
      note('permission', 'with `"bash": "ask"`, OpenCode\'s own permission prompt (permission.asked) for an approved call is answered "once" by the plugin', ['permission.asked']);
    } finally {
      writeConfig(null);
    }
  });

  it('the payload the plugin forwarded has the shape of the fixture the adapter is tested with', () => {
    const live = proxy.payloads.find((p) => p.host === 'opencode' && p.body?.hook_event_name === 'tool.execute.before')?.body;
    assert.ok(live, 'the plugin forwarded no tool.execute.before payload');
    matchesFixture('opencode-tool.execute.before.json', live, root, `OpenCode ${VERSION} (through the plugin)`);
    note('payload', 'the tool.execute.before payload matches test/hosts/fixtures/opencode-tool.execute.before.json');
  });
});
