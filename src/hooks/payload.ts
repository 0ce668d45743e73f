// Small readers for hook payloads: refuse what the host would never send, with a clear message.
import { HookPayloadError } from './types.js';

export const optStr = (p: Record<string, unknown>, k: string): string | null => {
  const v = p[k];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new HookPayloadError(`${k} must be a string.`);
  return v;
};

export const reqStr = (p: Record<string, unknown>, k: string): string => {
  const v = optStr(p, k);
  if (v === null) throw new HookPayloadError(`${k} is missing from the hook payload.`);
  return v;
};

export function objectInput(v: unknown, k = 'tool_input'): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new HookPayloadError(`${k} must be a JSON object.`);
  return v as Record<string, unknown>;
}
