// A channel's own section of the config (`channels.<name>`), validated by its zod schema with one
// message that names every key to fix. Every channel parses its section through this.
import { z } from 'zod';
import { ConfigError } from '../config/load.js';

export function parseSection<S extends z.ZodType>(schema: S, raw: unknown, channel: string, title: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  - channels.${channel}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
  throw new ConfigError(`The ${title} channel is not configured correctly:\n${lines.join('\n')}`);
}

/** An http(s) URL of a service a channel calls, with a default; a trailing `/` is dropped. */
export const serviceUrl = (fallback: string) =>
  z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'use an http:// or https:// URL')
    .default(fallback)
    .transform((s) => s.replace(/\/+$/, ''));
