// What the Claude Code end-to-end tests share: a HOME the real CLI starts in without asking
// anything (onboarding done, the test API key accepted, the project trusted), and the environment
// that points it at the Messages API mock and at the gate.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS } from '../helpers/harness.js';
import { hostBin, hostVersion, record } from './host-kit.js';

export const CLAUDE = hostBin('claude');
export const CLAUDE_VERSION = hostVersion('@anthropic-ai/claude-code');
export const API_KEY = 'sk-ant-greenlight-test-0123456789';

export const noteClaude = (check: string, text: string, events: string[] = []) => record('claude-code', '@anthropic-ai/claude-code', CLAUDE_VERSION, check, text, events);

/**
 * Writes ~/.claude.json so the interactive CLI starts straight at the prompt: onboarding done, the
 * API key approved (Claude Code keeps its last 20 characters), `trusted` folders trusted, and the
 * given cached feature flags (what Claude Code would otherwise fetch from Anthropic).
 */
export function seedClaudeHome(home: string, o: { trusted?: string[]; features?: Record<string, boolean> } = {}): void {
  mkdirSync(join(home, '.claude'), { recursive: true });
  const file = join(home, '.claude.json');
  const state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  state.hasCompletedOnboarding = true;
  state.theme = 'dark';
  state.customApiKeyResponses = { approved: [API_KEY.slice(-20)], rejected: [] };
  state.projects ??= {};
  for (const dir of o.trusted ?? []) state.projects[dir] = { ...(state.projects[dir] ?? {}), hasTrustDialogAccepted: true, allowedTools: [] };
  if (o.features) state.cachedGrowthBookFeatures = { ...(state.cachedGrowthBookFeatures ?? {}), ...o.features };
  writeFileSync(file, JSON.stringify(state, null, 2));
}

/** The CLI's environment: offline against `modelUrl`, asking the gate at `gateUrl` with the agent key. */
export function claudeEnv(home: string, modelUrl: string, gateUrl: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: home,
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: API_KEY,
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    GREENLIGHT_URL: gateUrl,
    GREENLIGHT_KEY: KEYS.agent,
    ...extra,
  };
}
