// How an approver's edit applies to the action: one rule for the hooks (the input they hand the
// host) and the receipts (the action whose hash they sign), so both name the same edited action.

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The edited input as the tool takes it: an object edit is merged over the input, a string edit of
 * a Bash call replaces its command. Null when the edit cannot be applied to the tool's input.
 */
export function applyEdit(tool: string | null, input: unknown, edited: unknown): Record<string, unknown> | null {
  const base = isPlainObject(input) ? input : {};
  if (isPlainObject(edited)) return { ...base, ...edited };
  if (typeof edited === 'string' && tool === 'Bash') return { ...base, command: edited };
  return null;
}
