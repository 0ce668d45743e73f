// Shared by commands that load the config: --config plus one flag per setting.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { SETTINGS } from '../config/settings.js';

export const CONFIG_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }])),
};

export function configHelp(): string {
  const rows = [['--config, -c FILE', 'YAML config file (or GREENLIGHT_CONFIG)'], ...SETTINGS.map((s) => [`--${s.flag}`, `${s.help} (${s.env})`])];
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
}

/** Parses argv with the config options plus `extra`, and loads the config. */
export function parseWithConfig(args: string[], extra: NonNullable<ParseArgsConfig['options']> = {}, allowPositionals = false) {
  const parsed = parseArgs({ args, options: { ...CONFIG_OPTIONS, ...extra }, allowPositionals, strict: true });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const flags: Record<string, string | undefined> = {};
  for (const s of SETTINGS) if (typeof values[s.flag] === 'string') flags[s.flag] = values[s.flag] as string;
  const load = (): LoadedConfig => loadConfig({ file: (values.config as string | undefined) ?? null, flags });
  return { values, positionals: parsed.positionals, load };
}
