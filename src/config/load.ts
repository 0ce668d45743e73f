// Loads the config: defaults < YAML file < GREENLIGHT_* env < CLI flags. Validates everything
// before any listener opens, and says what to fix.
import { workflowProblems } from '../workflows/check.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config } from './schema.js';
import { SETTINGS, type Setting } from './settings.js';
import { parseRule } from '../policy/rule-parser.js';
import { cli } from '../invocation.js';

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Path given by --config (wins over GREENLIGHT_CONFIG). */
  file?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Values from CLI flags, keyed by setting flag name (e.g. { port: '9000' }). */
  flags?: Record<string, string | undefined>;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file the config came from, if any. */
  file: string | null;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const fileArg = options.file ?? env.GREENLIGHT_CONFIG ?? null;
  const file = fileArg ? resolve(cwd, fileArg) : null;

  let raw: Record<string, unknown> = {};
  if (file) raw = readYamlFile(file);

  for (const setting of SETTINGS) {
    const fromEnv = readEnv(env, setting);
    if (fromEnv !== undefined) setPath(raw, setting.path, coerce(setting, fromEnv, `${setting.env}`));
    const fromFlag = options.flags?.[setting.flag];
    if (fromFlag !== undefined) setPath(raw, setting.path, coerce(setting, fromFlag, `--${setting.flag}`));
  }

  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new ConfigError(`The configuration${file ? ` in ${file}` : ''} is not valid:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  config.data_dir = resolve(cwd, config.data_dir);
  checkCrossReferences(config);
  return { config, file };
}

function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(cause as Error).message}. Check the path given by --config or GREENLIGHT_CONFIG, or run \`${cli('init')}\` to write one.`, { cause });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (cause) {
    throw new ConfigError(`${file} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${file} must hold a YAML mapping at the top level.`);
  return doc as Record<string, unknown>;
}

/** GREENLIGHT_X, or the contents of the file named by GREENLIGHT_X_FILE (for secrets). */
function readEnv(env: NodeJS.ProcessEnv, setting: Setting): string | undefined {
  const direct = env[setting.env];
  if (direct !== undefined && direct !== '') return direct;
  const fileVar = env[`${setting.env}_FILE`];
  if (fileVar) {
    try {
      return readFileSync(fileVar, 'utf8').trim();
    } catch (cause) {
      throw new ConfigError(`${setting.env}_FILE names ${fileVar}, which cannot be read: ${(cause as Error).message}`, { cause });
    }
  }
  return undefined;
}

function coerce(setting: Setting, value: string, source: string): unknown {
  switch (setting.type) {
    case 'string':
      return value;
    case 'int': {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new ConfigError(`${source} must be a whole number, got ${JSON.stringify(value)}.`);
      return n;
    }
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${source} must be a number, got ${JSON.stringify(value)}.`);
      return n;
    }
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      throw new ConfigError(`${source} must be true or false, got ${JSON.stringify(value)}.`);
    case 'list':
      return value.split(',').map((s) => s.trim()).filter(Boolean);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** Names must be unique per role, and projects/approvers referenced must exist. */
function checkCrossReferences(config: Config): void {
  const problems: string[] = [];
  const unique = (kind: string, names: string[]) => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) problems.push(`${kind} "${n}" is declared twice; names must be unique.`);
      seen.add(n);
    }
  };
  unique('agent', config.agents.map((a) => a.name));
  unique('approver', config.approvers.map((a) => a.name));
  unique('admin', config.admins.map((a) => a.name));
  unique('project', config.projects.map((p) => p.name));
  const projects = new Set(config.projects.map((p) => p.name));
  const approvers = new Set(config.approvers.map((a) => a.name));
  for (const a of config.agents) {
    for (const p of a.projects) if (!projects.has(p)) problems.push(`agent "${a.name}" names project "${p}", which is not declared under projects[].`);
  }
  for (const a of config.approvers) {
    for (const p of a.projects) if (!projects.has(p)) problems.push(`approver "${a.name}" names project "${p}", which is not declared under projects[].`);
  }
  for (const p of config.projects) {
    for (const a of p.approvers) if (!approvers.has(a)) problems.push(`project "${p.name}" names approver "${a}", which is not declared under approvers[].`);
  }
  for (const [role, list] of [['agent', config.agents], ['approver', config.approvers], ['admin', config.admins]] as const) {
    for (const p of list) {
      if (p.key?.startsWith('REPLACE-ME')) problems.push(`${role} "${p.name}" still has the example's placeholder key; run \`${cli('init')}\` for fresh keys, or put a random key of your own there.`);
    }
  }
  const checkRules = (where: string, set: { allow: string[]; ask: string[]; deny: string[]; dangerous?: string[] }) => {
    for (const list of ['allow', 'ask', 'deny', 'dangerous'] as const) {
      for (const rule of set[list as 'allow'] ?? []) {
        try {
          parseRule(rule);
        } catch (err) {
          problems.push(`${where}.${list}: ${(err as Error).message}`);
        }
      }
    }
  };
  const { kind, driver, url } = config.store;
  if (kind && driver && kind !== driver) problems.push(`store.kind is ${kind} but store.driver (its older name) is ${driver}; keep only store.kind.`);
  const resolved = kind ?? driver ?? (url ? 'postgres' : 'sqlite');
  if (resolved === 'postgres' && !url) problems.push('store.kind is postgres but no database URL is set: set store.url or GREENLIGHT_DATABASE_URL (postgres://user:password@host:port/database).');
  if (resolved === 'sqlite' && url) problems.push(`store.${kind ? 'kind' : 'driver'} is sqlite but a database URL is set (store.url / GREENLIGHT_DATABASE_URL): remove the URL, or set store.kind to postgres.`);
  checkRules('policy', config.policy);
  for (const p of config.projects) checkRules(`projects[${p.name}]`, p);
  unique('context', config.contexts.map((c) => c.name));
  for (const c of config.contexts) {
    checkRules(`contexts[${c.name}]`, c);
    if (c.project && !projects.has(c.project)) problems.push(`context "${c.name}" names project "${c.project}", which is not declared under projects[].`);
    for (const a of c.approvers) if (!approvers.has(a)) problems.push(`context "${c.name}" names approver "${a}", which is not declared under approvers[].`);
  }
  const keys = new Map<string, string>();
  for (const [role, list] of [['agent', config.agents], ['approver', config.approvers], ['admin', config.admins]] as const) {
    for (const p of list) {
      const k = p.key ?? p.key_sha256;
      if (!k) continue;
      const prev = keys.get(k);
      if (prev) problems.push(`${role} "${p.name}" uses the same key as ${prev}; every principal needs its own key.`);
      keys.set(k, `${role} "${p.name}"`);
    }
  }
  problems.push(...workflowProblems(config));
  if (problems.length) throw new ConfigError(`The configuration is not consistent:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
