// Shared by the sessions tests: the environment Claude Code runs offline in (a loopback mock of
// the Messages API, a private HOME, nothing phoned home), and a scripted runner for the tests
// that are about Greenlight's side only.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnerEvent, SessionRunner, TurnOutcome, TurnSpec } from '../../src/sessions/runner.js';

export function claudeEnv(mockUrl: string, home: string): Record<string, string> {
  return {
    HOME: home,
    ANTHROPIC_BASE_URL: mockUrl,
    ANTHROPIC_API_KEY: 'dummy',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

/** Where a real Claude Code session runs in a test: a temp root holding the project and a private HOME. */
export function claudeWorkspace(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const project = join(root, 'project');
  const home = join(root, 'home');
  for (const d of [project, home]) mkdirSync(d, { recursive: true });
  return { root, project, home, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A runner whose turns end when the test says (or when interrupted). */
export function scriptedRunner() {
  const turns: { spec: TurnSpec; emit: (e: RunnerEvent) => void; end: (o: TurnOutcome) => void }[] = [];
  const runner: SessionRunner = {
    host: 'claude-code',
    runTurn(spec, onEvent) {
      let end!: (o: TurnOutcome) => void;
      const done = new Promise<TurnOutcome>((r) => (end = r));
      turns.push({ spec, emit: onEvent, end });
      onEvent({ type: 'session', externalId: `cc-${turns.length}`, model: null });
      return { done, interrupt: async () => end('stopped') };
    },
  };
  return { runner, turns };
}

