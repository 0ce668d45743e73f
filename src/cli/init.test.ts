import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../config/load.js';
import { ConfigSchema, defaultConfig } from '../config/schema.js';
import { SETTINGS } from '../config/settings.js';
import { documentKeyPaths, schemaKeyPaths } from '../../test/cli/schema-paths.js';
import { REPO } from '../../test/cli/cli-helpers.js';
import { freshKeys, INIT_NAMES, PLACEHOLDER_KEYS, renderConfigTemplate } from './init.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-init-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return loadConfig({ file, env: {}, cwd: dir });
}

describe('the config template', () => {
  it('loads with loadConfig, holds the three fresh keys, and otherwise equals the schema defaults', () => {
    const keys = freshKeys();
    const { config } = load(renderConfigTemplate(keys), 'fresh.yaml');
    assert.deepEqual(config.admins, [{ name: INIT_NAMES.admin, key: keys.admin }]);
    assert.deepEqual(config.approvers, [{ name: INIT_NAMES.approver, key: keys.approver, projects: [] }]);
    assert.deepEqual(config.agents, [{ name: INIT_NAMES.agent, key: keys.agent, projects: [] }]);
    const defaults = defaultConfig();
    const rest = { ...config, agents: [], approvers: [], admins: [], data_dir: defaults.data_dir };
    assert.deepEqual(rest, defaults);
    assert.equal(config.data_dir, join(dir, 'data'));
  });

  it('shows every key of the schema, and every example is valid config', () => {
    const active = renderConfigTemplate(freshKeys(), { examples: 'active' });
    load(active, 'active.yaml'); // strict schema + cross-references: no unknown or broken key
    const shown = documentKeyPaths(parseYaml(active));
    const missing = schemaKeyPaths(ConfigSchema).filter((p) => !shown.has(p));
    assert.deepEqual(missing, [], `add these keys to the template in src/cli/init.ts: ${missing.join(', ')}`);
  });

  it('writes the examples commented out, so they change nothing', () => {
    const text = renderConfigTemplate(PLACEHOLDER_KEYS);
    assert.doesNotMatch(text, /#~/);
    const active = renderConfigTemplate(PLACEHOLDER_KEYS, { examples: 'active' });
    const live = (t: string) => t.split('\n').filter((l) => !/^\s*#/.test(l) && l.trim() !== '').length;
    assert.ok(live(active) > live(text) + 20, 'the active render has the examples as live lines');
    assert.deepEqual(load(renderConfigTemplate(freshKeys()), 'commented.yaml').config.projects, []);
  });

  it('names the environment variable and flag of every setting that has them', () => {
    const text = renderConfigTemplate(PLACEHOLDER_KEYS);
    for (const s of SETTINGS) {
      assert.ok(text.includes(`Env ${s.env}, flag --${s.flag}.`), `${s.path}: the template should name ${s.env} and --${s.flag}`);
    }
  });

  it('matches the committed greenlight.example.yaml, which refuses to start until its placeholder keys are replaced', () => {
    const committed = readFileSync(join(REPO, 'greenlight.example.yaml'), 'utf8');
    assert.equal(
      committed,
      renderConfigTemplate(PLACEHOLDER_KEYS),
      'greenlight.example.yaml is stale: regenerate it with node -e "import(\'./dist/src/cli/init.js\').then(m => require(\'fs\').writeFileSync(\'greenlight.example.yaml\', m.renderConfigTemplate(m.PLACEHOLDER_KEYS)))"',
    );
    assert.throws(() => loadConfig({ file: join(REPO, 'greenlight.example.yaml'), env: {}, cwd: dir }), /placeholder key; run `(npx )?greenlight init`/);
    const keys = freshKeys();
    let replaced = committed;
    for (const role of ['admin', 'approver', 'agent'] as const) replaced = replaced.replace(PLACEHOLDER_KEYS[role], keys[role]);
    assert.equal(load(replaced, 'example-with-keys.yaml').config.admins[0].key, keys.admin);
  });
});

describe('freshKeys', () => {
  it('makes three different 256-bit keys with role prefixes', () => {
    const a = freshKeys();
    const b = freshKeys();
    assert.match(a.admin, /^glx_[A-Za-z0-9_-]{43}$/);
    assert.match(a.approver, /^glp_[A-Za-z0-9_-]{43}$/);
    assert.match(a.agent, /^gla_[A-Za-z0-9_-]{43}$/);
    assert.equal(new Set([a.admin, a.approver, a.agent, b.admin, b.approver, b.agent]).size, 6);
  });
});
