// Every key path of a zod schema or of a parsed YAML document, in one notation:
// `server.host`, `agents[].key_sha256`, `projects[].routes[].channel`.
import type { z } from 'zod';

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

export function schemaKeyPaths(schema: z.ZodType): string[] {
  const out: string[] = [];
  const walk = (s: z.ZodType, prefix: string) => {
    const def = (s as unknown as { def: Record<string, any> }).def;
    if (WRAPPERS.has(def.type)) return walk(def.innerType, prefix);
    if (def.type === 'pipe') return walk(def.in, prefix);
    if (def.type === 'array') return walk(def.element, `${prefix}[]`);
    if (def.type === 'object') {
      for (const [key, value] of Object.entries((s as unknown as { shape: Record<string, z.ZodType> }).shape)) {
        const path = prefix ? `${prefix}.${key}` : key;
        out.push(path);
        walk(value, path);
      }
    }
  };
  walk(schema, '');
  return out;
}

export function documentKeyPaths(doc: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, prefix: string) => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, `${prefix}[]`));
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.add(path);
      walk(inner, path);
    }
  };
  walk(doc, '');
  return out;
}
