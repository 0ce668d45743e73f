// A small OpenAPI 3.1 checker and a JSON Schema subset validator, enough to hold our document to
// the spec's structural rules and real responses to the documented schemas.

type Json = any;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PARAM_LOCATIONS = ['query', 'header', 'path', 'cookie'];
const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** Resolves a local `#/a/b` reference, or undefined. */
export function resolveRef(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

export const deref = (doc: Json, node: Json): Json => (node && typeof node.$ref === 'string' ? resolveRef(doc, node.$ref) : node);

/** Every `$ref` in the document, with where it sits. */
function collectRefs(node: Json, at: string, out: { at: string; ref: string }[]): void {
  if (Array.isArray(node)) node.forEach((n, i) => collectRefs(n, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
      else if (k !== 'example' && k !== 'examples' && k !== 'default') collectRefs(v, `${at}/${k}`, out);
    }
  }
}

function checkSchemaTypes(node: Json, at: string, problems: string[]): void {
  if (Array.isArray(node)) node.forEach((n, i) => checkSchemaTypes(n, `${at}/${i}`, problems));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'example' || k === 'examples' || k === 'default' || k === 'const' || k === 'enum') continue;
      if (k === 'type' && (typeof v === 'string' || Array.isArray(v))) {
        for (const t of [v].flat()) if (!JSON_TYPES.includes(t as string)) problems.push(`${at}: unknown JSON Schema type ${JSON.stringify(t)}`);
      } else if (k === 'nullable') problems.push(`${at}: "nullable" is OpenAPI 3.0; 3.1 uses type: [..., "null"]`);
      else checkSchemaTypes(v, `${at}/${k}`, problems);
    }
  }
}

/** Structural problems of an OpenAPI 3.1 document (empty when it is sound). */
export function checkOpenApi31(doc: Json): string[] {
  const problems: string[] = [];
  const p = (m: string) => problems.push(m);
  if (typeof doc?.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) p(`openapi must be 3.1.x, got ${JSON.stringify(doc?.openapi)}`);
  if (typeof doc?.info?.title !== 'string' || typeof doc?.info?.version !== 'string') p('info.title and info.version are required strings');
  if (!doc.paths || typeof doc.paths !== 'object') p('paths is required');
  const schemes = doc.components?.securitySchemes ?? {};
  const tags = new Set((doc.tags ?? []).map((t: Json) => t.name));
  const ids = new Map<string, string>();
  const checkSecurity = (sec: Json, at: string) => {
    if (!Array.isArray(sec)) return p(`${at}: security must be an array`);
    for (const req of sec) for (const name of Object.keys(req)) if (!schemes[name]) p(`${at}: unknown security scheme ${name}`);
  };
  if (doc.security) checkSecurity(doc.security, 'security');

  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    if (!path.startsWith('/')) p(`path ${path} must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const ops = HTTP_METHODS.filter((m) => item[m]);
    if (ops.length === 0) p(`${path}: no operations`);
    for (const method of ops) {
      const op = item[method];
      const at = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) p(`${at}: operationId missing`);
      else if (ids.has(op.operationId)) p(`${at}: operationId ${op.operationId} also used by ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, at);
      if (!op.summary || !op.description) p(`${at}: summary and description are required here`);
      if (!Array.isArray(op['x-greenlight-roles'])) p(`${at}: x-greenlight-roles missing`);
      for (const t of op.tags ?? []) if (!tags.has(t)) p(`${at}: tag ${t} is not declared in tags`);
      if (op.security) checkSecurity(op.security, at);
      const responses = op.responses ?? {};
      if (Object.keys(responses).length === 0) p(`${at}: no responses`);
      for (const [status, r] of Object.entries<Json>(responses)) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) p(`${at}: bad response key ${status}`);
        const resolved = deref(doc, r);
        if (!resolved || typeof resolved.description !== 'string') p(`${at} ${status}: a response needs a description`);
      }
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((x: Json) => deref(doc, x));
      const seen = new Set<string>();
      for (const prm of params) {
        if (!prm || typeof prm.name !== 'string' || !PARAM_LOCATIONS.includes(prm.in)) {
          p(`${at}: malformed parameter ${JSON.stringify(prm)}`);
          continue;
        }
        if (seen.has(`${prm.in}:${prm.name}`)) p(`${at}: parameter ${prm.name} twice`);
        seen.add(`${prm.in}:${prm.name}`);
        if (!prm.schema && !prm.content) p(`${at}: parameter ${prm.name} needs schema or content`);
        if (prm.in === 'path' && (prm.required !== true || !templated.includes(prm.name))) p(`${at}: path parameter ${prm.name} must be required and in the path`);
      }
      for (const name of templated) if (!params.some((x: Json) => x?.in === 'path' && x.name === name)) p(`${at}: {${name}} is not declared as a path parameter`);
      if (op.requestBody) {
        const body = deref(doc, op.requestBody);
        if (!body?.content || Object.keys(body.content).length === 0) p(`${at}: requestBody needs content`);
      }
    }
  }
  const refs: { at: string; ref: string }[] = [];
  collectRefs(doc, '#', refs);
  for (const { at, ref } of refs) if (resolveRef(doc, ref) === undefined) p(`${at}: $ref ${ref} does not resolve`);
  checkSchemaTypes(doc.components?.schemas ?? {}, '#/components/schemas', problems);
  return problems;
}

/** Validates `value` against a JSON Schema subset; with `closed`, properties a schema does not list are errors too. */
export function validateJson(doc: Json, schema: Json, value: unknown, options: { closed?: boolean } = {}, at = '$'): string[] {
  const errors: string[] = [];
  const s = deref(doc, schema);
  if (s === undefined) return [`${at}: unresolved schema ${JSON.stringify(schema)}`];
  if (s === true || s === null || typeof s !== 'object' || Object.keys(s).length === 0) return errors;
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (s.type !== undefined) {
    const types: string[] = [s.type].flat();
    const t = typeOf(value);
    const ok = types.some((want) => want === t || (want === 'integer' && t === 'number' && Number.isInteger(value)));
    if (!ok) return [`${at}: expected ${types.join('|')}, got ${t}`];
  }
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) errors.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
    if (s.pattern && !new RegExp(s.pattern, 'u').test(value)) errors.push(`${at}: does not match ${s.pattern}`);
    if (s.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) errors.push(`${at}: not a date-time`);
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${at}: below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${at}: above ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (s.maxItems !== undefined && value.length > s.maxItems) errors.push(`${at}: more than ${s.maxItems} items`);
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
    if (s.items) value.forEach((v, i) => errors.push(...validateJson(doc, s.items, v, options, `${at}[${i}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (s.properties?.[k] !== undefined) errors.push(...validateJson(doc, s.properties[k], v, options, `${at}.${k}`));
      else if (s.additionalProperties === false) errors.push(`${at}: unexpected property ${k}`);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') errors.push(...validateJson(doc, s.additionalProperties, v, options, `${at}.${k}`));
    }
    if (options.closed && s.properties && s.additionalProperties === undefined) {
      const known = knownProperties(doc, s);
      for (const k of Object.keys(obj)) if (!known.has(k)) errors.push(`${at}: property ${k} is not documented`);
    }
  }
  if (s.allOf) {
    const open = { ...options, closed: false };
    s.allOf.forEach((sub: Json) => errors.push(...validateJson(doc, sub, value, open, at)));
    if (options.closed && value && typeof value === 'object' && !Array.isArray(value)) {
      const known = knownProperties(doc, s);
      for (const k of Object.keys(value)) if (!known.has(k)) errors.push(`${at}: property ${k} is not documented`);
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (!s[key]) continue;
    const passing = s[key].filter((sub: Json) => validateJson(doc, sub, value, options, at).length === 0).length;
    if (passing === 0 || (key === 'oneOf' && passing > 1)) errors.push(`${at}: ${passing} of the ${key} alternatives match`);
  }
  return errors;
}

function knownProperties(doc: Json, schema: Json): Set<string> {
  const s = deref(doc, schema);
  const out = new Set<string>(Object.keys(s?.properties ?? {}));
  for (const sub of s?.allOf ?? []) for (const k of knownProperties(doc, sub)) out.add(k);
  return out;
}
