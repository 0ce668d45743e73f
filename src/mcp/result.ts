// A tool result: JSON (or a sentence) as text; isError when the model must not go ahead.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const text = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }],
  ...(isError ? { isError: true } : {}),
});
