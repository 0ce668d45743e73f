// conditions_schema: the form an approver fills in for a conditional approval. Validated when a
// request is created (the schema) and when it is decided (the values).
import { GreenlightError, validation } from './errors.js';
import { CONDITION_FIELD_TYPES, type ConditionField, type Conditions, type ConditionValue } from './types.js';

export const MAX_CONDITION_FIELDS = 50;

/** Checks the shape of a schema an agent sent. Accepts Chock's `{ fields: [...] }` or a bare list. */
export function parseConditionsSchema(raw: unknown): ConditionField[] | null {
  if (raw === null || raw === undefined) return null;
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && Array.isArray((raw as { fields?: unknown }).fields) ? (raw as { fields: unknown[] }).fields : null;
  if (!list) throw validation('conditions_schema must be a list of fields, or an object with a "fields" list.');
  if (list.length > MAX_CONDITION_FIELDS) throw validation(`conditions_schema may have at most ${MAX_CONDITION_FIELDS} fields; it has ${list.length}.`);
  const seen = new Set<string>();
  return list.map((f, i) => {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) throw validation(`conditions_schema field ${i} must be an object.`);
    const o = f as Record<string, unknown>;
    const name = o.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw validation(`conditions_schema field ${i} needs a "name" of 1–64 letters, digits, _ . -`);
    if (seen.has(name)) throw validation(`conditions_schema declares "${name}" twice.`);
    seen.add(name);
    const type = o.type ?? 'text';
    if (typeof type !== 'string' || !(CONDITION_FIELD_TYPES as readonly string[]).includes(type)) {
      throw validation(`conditions_schema field "${name}" has type ${JSON.stringify(type)}; use one of ${CONDITION_FIELD_TYPES.join(', ')}.`);
    }
    const field: ConditionField = { name, type: type as ConditionField['type'] };
    for (const key of ['label', 'description'] as const) {
      if (o[key] === undefined || o[key] === null) continue;
      if (typeof o[key] !== 'string' || (o[key] as string).length > 1000) throw validation(`conditions_schema field "${name}": ${key} must be text of at most 1000 characters.`);
      field[key] = o[key] as string;
    }
    if (o.required !== undefined && o.required !== null) {
      if (typeof o.required !== 'boolean') throw validation(`conditions_schema field "${name}": required must be true or false.`);
      field.required = o.required;
    }
    if (type === 'select') {
      const opts = o.options;
      if (!Array.isArray(opts) || opts.length === 0 || opts.length > 100 || !opts.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 200)) {
        throw validation(`conditions_schema field "${name}" is a select: give "options", a list of 1–100 non-empty strings.`);
      }
      field.options = [...new Set(opts as string[])];
    } else if (o.options !== undefined && o.options !== null) {
      throw validation(`conditions_schema field "${name}": options only apply to select fields.`);
    }
    return field;
  });
}

/**
 * Checks an approver's values against the schema: required fields present, types right, select
 * values among the options, no unknown fields. Numbers and booleans given as text are converted.
 */
export function validateConditions(schema: ConditionField[] | null, raw: unknown): Conditions {
  const values = raw ?? {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new GreenlightError('CONDITIONS_INVALID', 'conditions must be an object of field name → value.');
  const given = values as Record<string, unknown>;
  const fields = schema ?? [];
  const known = new Set(fields.map((f) => f.name));
  const unknown = Object.keys(given).filter((k) => !known.has(k));
  if (schema && unknown.length) throw new GreenlightError('CONDITIONS_INVALID', `Unknown conditions: ${unknown.join(', ')}. The schema has: ${[...known].join(', ') || 'no fields'}.`);
  if (!schema) {
    // No schema: free-form conditions, but keep them to plain values.
    const out: Conditions = {};
    for (const [k, v] of Object.entries(given)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) throw new GreenlightError('CONDITIONS_INVALID', `Condition "${k}" must be text, a number or true/false.`);
      if (typeof v === 'string' && v.length > 10_000) throw new GreenlightError('CONDITIONS_INVALID', `Condition "${k}" is longer than 10000 characters.`);
      out[k] = v as ConditionValue;
    }
    return out;
  }
  const missing = fields.filter((f) => f.required && (given[f.name] === undefined || given[f.name] === null || given[f.name] === ''));
  if (missing.length) {
    throw new GreenlightError('CONDITIONS_INVALID', `Missing required conditions: ${missing.map((f) => f.name).join(', ')}`, { details: { missing: missing.map((f) => f.name) } });
  }
  const out: Conditions = {};
  for (const f of fields) {
    const v = given[f.name];
    if (v === undefined || v === null || v === '') continue;
    out[f.name] = coerceValue(f, v);
  }
  return out;
}

function coerceValue(field: ConditionField, v: unknown): ConditionValue {
  const bad = (want: string) => new GreenlightError('CONDITIONS_INVALID', `Condition "${field.name}" must be ${want}; got ${JSON.stringify(v).slice(0, 80)}.`);
  switch (field.type) {
    case 'text':
      if (typeof v !== 'string') throw bad('text');
      if (v.length > 10_000) throw bad('text of at most 10000 characters');
      return v;
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw bad('true or false');
    case 'select':
      if (typeof v !== 'string' || !field.options?.includes(v)) throw bad(`one of ${field.options?.map((o) => JSON.stringify(o)).join(', ')}`);
      return v;
  }
}
