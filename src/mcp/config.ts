// The MCP part of the config, read defensively: `mcp.execute_approved` is optional and off by default.
import { z } from 'zod';

export const ExecuteApprovedSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The directory approved commands run in (required when enabled). */
    directory: z.string().min(1).nullable().default(null),
    timeout_sec: z.number().int().min(1).max(86_400).default(60),
    max_output_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(64 * 1024),
  })
  .prefault({});

export const McpConfigSchema = z.object({ execute_approved: ExecuteApprovedSchema }).prefault({});

export type ExecuteApprovedConfig = z.output<typeof ExecuteApprovedSchema>;

/** `execute_approved` settings from a whole config object, or null when it is off or invalid. */
export function executeApprovedFrom(config: unknown): ExecuteApprovedConfig | null {
  const parsed = McpConfigSchema.safeParse((config as { mcp?: unknown } | null)?.mcp ?? {});
  if (!parsed.success) return null;
  const e = parsed.data.execute_approved;
  return e.enabled && e.directory ? e : null;
}
