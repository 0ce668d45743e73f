// Errors on the compat routes. ok2run and Chock are FastAPI apps: their clients read `detail`
// (a string, or pydantic's list of issues on 422). We answer with our usual envelope
// `{ error: { code, message, request_id } }` and add `detail` beside it, so both kinds of client
// find what they look for.
import { isGreenlightError, type GreenlightError } from '../../core/errors.js';
import { readJson, type Ctx } from '../context.js';
import { errorBody, handleError, retryHeaders } from '../middleware.js';

/** One pydantic-style issue: where, what, which kind. */
export interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An error with the status and `detail` the replaced server would have sent. */
export class CompatHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, options: { detail?: unknown; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'CompatHttpError';
    this.status = status;
    this.code = code;
    this.detail = options.detail ?? message;
    this.details = options.details;
  }
}

/** FastAPI's 422 for a body that fails its model: the issues as `detail`. */
export function unprocessable(issues: Issue[]): CompatHttpError {
  const message = `The request is not valid: ${issues
    .slice(0, 10)
    .map((i) => `${i.loc.slice(1).join('.') || 'body'}: ${i.msg}`)
    .join('; ')}`;
  return new CompatHttpError(422, 'VALIDATION_FAILED', message, { detail: issues });
}

/** Turns one of our errors into the replaced server's status and words, or null to keep ours. */
export type Translate = (err: GreenlightError, c: Ctx) => CompatHttpError | null;

/** FastAPI answers broken JSON with 422, not 400. */
function translateCommon(err: GreenlightError): CompatHttpError | null {
  if (err.code === 'INVALID_JSON') {
    return new CompatHttpError(422, 'INVALID_JSON', err.message, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
  }
  return null;
}

export function compatErrorHandler(translate?: Translate) {
  return (err: Error, c: Ctx): Response => {
    const requestId = c.get('requestId') ?? 'unknown';
    let e: CompatHttpError | null = err instanceof CompatHttpError ? err : null;
    if (!e && isGreenlightError(err)) e = translate?.(err, c) ?? translateCommon(err);
    if (e) return c.json({ ...errorBody(e.code, e.message, requestId, e.details), detail: e.detail }, e.status as 400);
    if (isGreenlightError(err)) {
      retryHeaders(err, c);
      return c.json({ ...errorBody(err.code, err.message, requestId, err.details), detail: err.message }, err.status as 400);
    }
    return handleError(err, c);
  };
}

/** A JSON object body; anything else is FastAPI's 422 "valid dictionary" error. */
export async function readBodyObject(c: Ctx): Promise<Record<string, unknown>> {
  const body = await readJson(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unprocessable([{ loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', type: 'model_attributes_type' }]);
  }
  return body as Record<string, unknown>;
}

/**
 * Reads fields the way a pydantic model would, collecting every issue, so one 422 names them
 * all. Strings are measured in UTF-16 units, as the core measures them.
 */
export class FieldReader {
  readonly issues: Issue[] = [];
  private readonly body: Record<string, unknown>;
  private readonly at: (string | number)[];

  constructor(body: Record<string, unknown>, at: (string | number)[] = ['body']) {
    this.body = body;
    this.at = at;
  }

  private issue(key: string | number, msg: string, type: string): undefined {
    this.issues.push({ loc: [...this.at, key], msg, type });
    return undefined;
  }

  private missing(key: string, required: boolean): boolean {
    const v = this.body[key];
    if (v !== undefined && v !== null) return false;
    if (required) this.issue(key, 'Field required', 'missing');
    return true;
  }

  str(key: string, opts: { max?: number; required?: boolean } = {}): string | undefined {
    if (this.missing(key, opts.required ?? false)) return undefined;
    const v = this.body[key];
    if (typeof v !== 'string') return this.issue(key, 'Input should be a valid string', 'string_type');
    if (opts.max !== undefined && v.length > opts.max) return this.issue(key, `String should have at most ${opts.max} characters`, 'string_too_long');
    return v;
  }

  int(key: string, opts: { min?: number; required?: boolean } = {}): number | undefined {
    if (this.missing(key, opts.required ?? false)) return undefined;
    const raw = this.body[key];
    const v = typeof raw === 'string' && /^-?\d{1,15}$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return this.issue(key, 'Input should be a valid integer', 'int_type');
    if (opts.min !== undefined && v < opts.min) return this.issue(key, `Input should be greater than or equal to ${opts.min}`, 'greater_than_equal');
    return v;
  }

  bool(key: string): boolean | undefined {
    if (this.missing(key, false)) return undefined;
    const v = this.body[key];
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === 'true') return true;
    if (v === 0 || v === 'false') return false;
    return this.issue(key, 'Input should be a valid boolean', 'bool_type');
  }

  strList(key: string, opts: { maxItems: number; maxEach?: number; eachMessage?: string; required?: boolean }): string[] | undefined {
    const list = this.list(key, opts.maxItems, opts.required ?? false);
    if (!list) return undefined;
    const before = this.issues.length;
    list.forEach((v, i) => {
      if (typeof v !== 'string') this.issues.push({ loc: [...this.at, key, i], msg: 'Input should be a valid string', type: 'string_type' });
    });
    if (this.issues.length > before) return undefined;
    if (opts.maxEach !== undefined && (list as string[]).some((s) => s.length > opts.maxEach!)) {
      return this.issue(key, opts.eachMessage ?? `Each item should have at most ${opts.maxEach} characters`, 'value_error');
    }
    return list as string[];
  }

  list(key: string, maxItems: number, required = false): unknown[] | undefined {
    if (this.missing(key, required)) return undefined;
    const v = this.body[key];
    if (!Array.isArray(v)) return this.issue(key, 'Input should be a valid list', 'list_type');
    if (v.length > maxItems) return this.issue(key, `List should have at most ${maxItems} items after validation, not ${v.length}`, 'too_long');
    return v;
  }

  dict(key: string, maxItems: number): Record<string, unknown> | undefined {
    if (this.missing(key, false)) return undefined;
    const v = this.body[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.issue(key, 'Input should be a valid dictionary', 'dict_type');
    const n = Object.keys(v).length;
    if (n > maxItems) return this.issue(key, `Dictionary should have at most ${maxItems} items after validation, not ${n}`, 'too_long');
    return v as Record<string, unknown>;
  }

  /** Throws one 422 listing every issue found so far. */
  done(): void {
    if (this.issues.length) throw unprocessable(this.issues);
  }
}

/** Python's repr of a list of strings, as Chock and ok2run put lists into messages: `['a', 'b']`. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}
