// End to end with the real Gemini CLI (@google/gemini-cli), offline against a loopback mock of the
// Gemini API (GOOGLE_GEMINI_BASE_URL). The BeforeTool hook is exactly what `greenlight install
// gemini` wrote into ~/.gemini/settings.json (timeouts in milliseconds). Print mode offers the
// shell tool only with --approval-mode yolo: Gemini's own prompts are off and Greenlight is the
// gate. The payloads Gemini sent are checked against test/hosts/fixtures/gemini-*.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEYS, type TestServer } from '../helpers/harness.js';
import { startHookServer } from '../hooks/helpers.js';
import { type CapturingProxy, GREENLIGHT_BIN, hostBin, hostVersion, matchesFixture, record, runCli, scratch, startCapturingProxy } from './host-kit.js';
import { approvedRemovesIt, deniedLeavesIt, editedRunsAsEdited, type HostUnderTest, policyAllowsIt } from './scenarios.js';
import { startMockGemini, type MockGemini } from './mock-gemini.js';

const GEMINI = hostBin('gemini');
const VERSION = hostVersion('@google/gemini-cli');
const note = (check: string, text: string, events: string[] = []) => record('gemini', '@google/gemini-cli', VERSION, check, text, events);

describe('real Gemini CLI with the Greenlight hook', () => {
  let s: TestServer;
  let proxy: CapturingProxy;
  let mock: MockGemini;
  const root = scratch('gemini');
  const home = join(root, 'home');
  const settingsFile = join(home, '.gemini', 'settings.json');
  const env = () => ({
    PATH: process.env.PATH,
    HOME: home,
    GEMINI_API_KEY: 'mock-key',
    GOOGLE_GEMINI_BASE_URL: mock.url,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    NO_COLOR: '1',
    GREENLIGHT_URL: proxy.url,
    GREENLIGHT_KEY: KEYS.agent,
  });

  before(async () => {
    s = await startHookServer();
    proxy = await startCapturingProxy(s.url);
    mock = await startMockGemini();
    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false } }, null, 2));
  });
  after(async () => {
    await mock.close();
    await proxy.close();
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const gemini = (cwd: string, prompt: string) => runCli(GEMINI, ['-m', 'gemini-2.5-pro', '--approval-mode', 'yolo', '-p', prompt], { cwd, env: env(), timeoutMs: 120_000 });
  const shell = (command: string) => mock.setCall({ name: 'run_shell_command', args: { command, description: 'asked by the test' } });

  it('greenlight install gemini adds a BeforeTool hook (timeout in ms) and keeps the settings there', () => {
    const r = spawnSync(process.execPath, [GREENLIGHT_BIN, 'install', 'gemini'], { env: env(), cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Added Greenlight's gemini hooks \(BeforeTool, SessionEnd\)/);
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    assert.equal(settings.security.auth.selectedType, 'gemini-api-key');
    assert.equal(settings.hooks.BeforeTool[0].hooks[0].timeout, 60_000);
    assert.match(settings.hooks.BeforeTool[0].hooks[0].command, /command-hook\.cjs" gemini$/);
  });

  const h = (): HostUnderTest => ({ s, root, shell, run: (dir, prompt) => gemini(dir, prompt), seen: () => mock.toolOutputs.join('\n') });

  it('a denied rm -rf target leaves the directory, and the model reads the reason', async () => {
    const req = await deniedLeavesIt(h());
    assert.equal((req.metadata as any).host_tool, 'run_shell_command');
    note('deny', 'denied `rm -rf target` is blocked at BeforeTool; the model reads the reason', ['BeforeTool']);
    note('install', '`greenlight install gemini` writes the BeforeTool hook (timeout 60000 ms) into ~/.gemini/settings.json');
  });

  it('an approved rm -rf target removes it', async () => {
    await approvedRemovesIt(h());
    note('approve', 'approved `rm -rf target` runs', ['BeforeTool']);
  });

  it('an edited command runs as edited', async () => {
    await editedRunsAsEdited(h());
    note('edit', 'an approver-edited shell command runs as edited (hookSpecificOutput.tool_input)');
  });

  it('a policy-allowed command runs with no human', async () => {
    await policyAllowsIt(h());
    note('policy', 'policy-allowed `echo …` runs with no human');
  });

  it('the payloads Gemini CLI sent have the shapes of the fixtures the adapter is tested with', () => {
    const byEvent = new Map<string, any>();
    for (const p of proxy.payloads) if (p.host === 'gemini' && typeof p.body === 'object') byEvent.set(p.body.hook_event_name, p.body);
    for (const event of ['BeforeTool', 'SessionEnd']) {
      const live = byEvent.get(event);
      assert.ok(live, `Gemini CLI sent no ${event} payload`);
      matchesFixture(`gemini-${event}.json`, live, root, `Gemini CLI ${VERSION}`);
    }
    note('payload', 'BeforeTool and SessionEnd payloads match test/hosts/fixtures/gemini-*.json', ['SessionEnd']);
  });
});
