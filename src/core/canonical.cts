// Canonical JSON and the canonical action: the one definition of the bytes Greenlight hashes.
// Free of imports and in CommonJS so the command hook (src/hooks/command-hook.cts), which starts
// once per tool call, checks an approval with exactly the code the server signed it with.
//
// canonicalJson is RFC 8785 (JCS) for the JSON Greenlight handles: no whitespace, object keys in
// ascending UTF-16 code-unit order (JavaScript's default sort), strings and numbers written as
// ECMAScript's JSON.stringify writes them, object members whose value is undefined left out.
// docs/security.md ("Receipts") spells it out for third parties.

/** JSON with object keys sorted, so the same value always gives the same text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * The action a receipt binds: `{"cwd":…,"input":…,"tool":…}` as canonical JSON, each absent part
 * written as null. Its SHA-256 (lowercase hex of the UTF-8 bytes) is a receipt's action hash.
 */
function canonicalAction(tool: string | null | undefined, input: unknown, cwd: string | null | undefined): string {
  return canonicalJson({ cwd: cwd ?? null, input: input === undefined ? null : input, tool: tool ?? null });
}

export = { canonicalJson, canonicalAction };
