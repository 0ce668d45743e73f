// What the approver sees: a readable title per tool, and the standard preview (channels/tool-preview.ts).
// Every string here is attacker-controlled; channels escape it. Nothing is cut silently: a cut says so.
import { mcpParts, toolPreview } from '../channels/tool-preview.js';
import { HOST_LABELS, type HookCall } from './types.js';

const TITLE_MAX = 200;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function oneLine(s: string, max = 120): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The preview of a hooked tool call: the standard one, which channels do not repeat as the agent's description. */
export function previewOf(call: Pick<HookCall, 'tool' | 'input' | 'cwd'>): string {
  return toolPreview(call.tool, call.input, call.cwd);
}

export function titleOf(call: Pick<HookCall, 'host' | 'tool' | 'input'>): string {
  const who = HOST_LABELS[call.host];
  const { tool, input } = call;
  const path = str(input.file_path) ?? str(input.path) ?? str(input.notebook_path);
  let what: string;
  if (tool === 'Bash') what = `run: ${oneLine(str(input.command) ?? '')}`;
  else if (tool === 'ExitPlanMode') what = 'leave plan mode and start on this plan';
  else if (['Edit', 'MultiEdit', 'Write', 'NotebookEdit'].includes(tool) && path) what = `${tool === 'Write' ? 'write' : 'edit'} ${oneLine(path)}`;
  else if (tool === 'WebFetch') what = `fetch ${oneLine(str(input.url) ?? '')}`;
  else {
    const mcp = mcpParts(tool);
    what = mcp ? `call MCP tool ${mcp.server}/${mcp.tool}` : `use ${tool}`;
  }
  const title = `${who} wants to ${what}`;
  return title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title;
}
