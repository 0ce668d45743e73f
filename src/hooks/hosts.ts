// The host adapters by name.
import { claudeCode } from './claude-code.js';
import { codex } from './codex.js';
import { cursor } from './cursor.js';
import { gemini } from './gemini.js';
import { opencode } from './opencode.js';
import type { HostAdapter, HostName } from './types.js';

export const ADAPTERS: Record<HostName, HostAdapter> = { 'claude-code': claudeCode, codex, gemini, cursor, opencode };

export const adapterFor = (name: string): HostAdapter | null => (Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name as HostName] : null);
