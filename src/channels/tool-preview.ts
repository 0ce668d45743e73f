// The preview Greenlight's own adapters (the agent hooks, the MCP permission prompt) write for a
// tool call: a readable rendering of the input, never the agent's own words. Channels recognise it
// (action.ts) and do not show it a second time as "the agent's description". Nothing is cut
// silently: a cut says so.
//
// Compiled into the dashboard's browser build too (via action.ts): no imports, no Node, no DOM.

const PREVIEW_MAX = 90_000;
const WRITE_HEAD_LINES = 40;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function capped(text: string): string {
  if (text.length <= PREVIEW_MAX) return text;
  return `${text.slice(0, PREVIEW_MAX)}\n… [preview cut at ${PREVIEW_MAX} of ${text.length} characters; the full input is in the request]`;
}

/** A unified diff of one replacement: common leading and trailing lines kept as context. */
export function unifiedDiff(path: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ctx = 3;
  const from = Math.max(0, start - ctx);
  const toA = Math.min(a.length, endA + ctx);
  const toB = Math.min(b.length, endB + ctx);
  const lines = [`--- ${path}`, `+++ ${path}`, `@@ -${from + 1},${toA - from} +${from + 1},${toB - from} @@ (within the matched text)`];
  for (let i = from; i < start; i++) lines.push(` ${a[i]}`);
  for (let i = start; i < endA; i++) lines.push(`-${a[i]}`);
  for (let i = start; i < endB; i++) lines.push(`+${b[i]}`);
  for (let i = endA; i < toA; i++) lines.push(` ${a[i]}`);
  return lines.join('\n');
}

/** MCP tool names: Claude Code and Codex `mcp__server__tool`, Gemini `mcp_server_tool` is not split. */
export function mcpParts(tool: string): { server: string; tool: string } | null {
  const m = /^mcp__(.+?)__(.+)$/.exec(tool);
  return m ? { server: m[1], tool: m[2] } : null;
}

/** The path a file tool's input names ('' when none). */
export const pathOf = (input: Record<string, unknown>): string => str(input.file_path) ?? str(input.path) ?? str(input.notebook_path) ?? '';

/** The standard preview of a tool call. */
export function toolPreview(tool: string, input: Record<string, unknown>, cwd: string | null): string {
  const path = pathOf(input);
  switch (tool) {
    case 'Bash': {
      const cmd = str(input.command) ?? '';
      const desc = str(input.description);
      return capped(`$ ${cmd}${desc ? `\n\n# ${desc}` : ''}${cwd ? `\n# in ${cwd}` : ''}`);
    }
    case 'Edit':
      return capped(`${input.replace_all ? '(every occurrence)\n' : ''}${unifiedDiff(path, str(input.old_string) ?? '', str(input.new_string) ?? '')}`);
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? input.edits : [];
      return capped(edits.map((e: any, i: number) => `# edit ${i + 1} of ${edits.length}\n${unifiedDiff(path, str(e?.old_string) ?? '', str(e?.new_string) ?? '')}`).join('\n\n'));
    }
    case 'Write': {
      const content = str(input.content) ?? '';
      const lines = content.split('\n');
      const head = lines.slice(0, WRITE_HEAD_LINES).join('\n');
      const rest = lines.length > WRITE_HEAD_LINES ? `\n… [${lines.length - WRITE_HEAD_LINES} more lines, ${content.length} characters in all; the full content is in the request]` : '';
      return capped(`Write ${path} (${lines.length} lines)\n\n${head}${rest}`);
    }
    case 'ExitPlanMode':
      return capped(str(input.plan) ?? JSON.stringify(input, null, 2));
    case 'WebFetch':
      return capped(`${str(input.url) ?? ''}${input.prompt ? `\n\nprompt: ${String(input.prompt)}` : ''}`);
    default: {
      const mcp = mcpParts(tool);
      const json = JSON.stringify(input, null, 2) ?? '{}';
      return capped(mcp ? `MCP ${mcp.server} → ${mcp.tool}\n\n${json}` : `${tool}\n\n${json}`);
    }
  }
}
