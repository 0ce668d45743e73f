// Audit export: the audit log as JSON Lines, one row per line with its hash-chain fields, and the
// offline check of such a file. An export is a contiguous run of rows (from the first row at or
// after `since` up to the last before `until`), so its chain can be checked on its own: the first
// row's prev_hash names its predecessor (reported, as only the server's log can confirm it), every
// later row must link to the line before it and hash to its own `hash`.
import { createReadStream } from 'node:fs';
import { jsonTooDeep, jsonTooDeepMessage } from '../core/json-depth.cjs';
import { AUDIT_GENESIS, createChainVerifier } from '../core/audit-chain.js';
import type { AuditEntry, Store } from '../store/store.js';

const PAGE = 1000;
/** The longest line an export may hold; a row's detail is small, so more is not an audit row. */
export const MAX_EXPORT_LINE_BYTES = 1024 * 1024;

/** One row as its export line (fixed key order, `at` in epoch milliseconds as the hash takes it). */
export function exportLine(e: AuditEntry): string {
  return JSON.stringify({ seq: e.seq, at: e.at, actor_kind: e.actor_kind, actor_name: e.actor_name, action: e.action, request_id: e.request_id, via: e.via, detail: e.detail, prev_hash: e.prev_hash, hash: e.hash });
}

/** The lines (each ending in a newline) of the rows in [since, until) (epoch ms; null: open), read a page at a time. */
export async function* auditLines(store: Pick<Store, 'listAudit'>, range: { since: number | null; until: number | null }): AsyncGenerator<string> {
  let after = 0;
  let started = false;
  for (;;) {
    const page = await store.listAudit({ after_seq: after, order: 'asc', limit: PAGE });
    for (const e of page) {
      if (range.until !== null && e.at >= range.until) return;
      if (!started && range.since !== null && e.at < range.since) continue;
      started = true;
      yield `${exportLine(e)}\n`;
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1].seq;
  }
}

export interface ExportCheck {
  ok: boolean;
  rows: number;
  /** The first row and the hash it names as its predecessor (the genesis hash for row 1). */
  first: { seq: number; prev_hash: string } | null;
  last: { seq: number; hash: string } | null;
  /** What is wrong, naming the line; null when intact. */
  problem: string | null;
  bad_line: number | null;
}

const FIELDS = ['seq', 'at', 'actor_kind', 'actor_name', 'action', 'request_id', 'via', 'detail', 'prev_hash', 'hash'] as const;
const HEX64 = /^[0-9a-f]{64}$/;

/** What is wrong with the shape of one parsed line, or null. */
function shapeProblem(v: unknown): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'is not a JSON object';
  const r = v as Record<string, unknown>;
  const extra = Object.keys(r).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra !== undefined) return `has a field ${JSON.stringify(extra.slice(0, 40))} no audit row has`;
  for (const f of FIELDS) if (!(f in r)) return `has no ${f}`;
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) return 'has a seq that is not a positive whole number';
  if (!Number.isSafeInteger(r.at)) return 'has an at that is not epoch milliseconds';
  for (const f of ['actor_kind', 'actor_name', 'action'] as const) if (typeof r[f] !== 'string') return `has a ${f} that is not a string`;
  for (const f of ['request_id', 'via'] as const) if (r[f] !== null && typeof r[f] !== 'string') return `has a ${f} that is neither a string nor null`;
  if (r.detail !== null && (typeof r.detail !== 'object' || Array.isArray(r.detail))) return 'has a detail that is neither an object nor null';
  for (const f of ['prev_hash', 'hash'] as const) if (typeof r[f] !== 'string' || !HEX64.test(r[f] as string)) return `has a ${f} that is not a SHA-256 digest (64 lowercase hex digits)`;
  return null;
}

/**
 * Checks an export given as lines (without their newlines); stops at the first problem. Blank
 * lines are refused except at the very end of the file.
 */
export async function checkExportLines(lines: AsyncIterable<string> | Iterable<string>): Promise<ExportCheck> {
  let verifier: ReturnType<typeof createChainVerifier> | null = null;
  let first: ExportCheck['first'] = null;
  let last: ExportCheck['last'] = null;
  let rows = 0;
  let n = 0;
  let blankAt: number | null = null;
  const fail = (line: number, problem: string): ExportCheck => ({ ok: false, rows, first, last, problem: `line ${line} ${problem}`, bad_line: line });
  for await (const line of lines) {
    n++;
    if (line.trim() === '') {
      blankAt ??= n;
      continue;
    }
    if (blankAt !== null) return fail(blankAt, 'is empty (a line was removed or the file was joined)');
    if (Buffer.byteLength(line) > MAX_EXPORT_LINE_BYTES) return fail(n, `is longer than ${MAX_EXPORT_LINE_BYTES} bytes: not an audit row`);
    if (jsonTooDeep(line)) return fail(n, `is not an audit row: ${jsonTooDeepMessage('it')}`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return fail(n, `is not JSON (${(err as Error).message})`);
    }
    const shape = shapeProblem(value);
    if (shape) return fail(n, shape);
    const e = value as AuditEntry;
    if (!verifier) {
      if (e.seq === 1 && e.prev_hash !== AUDIT_GENESIS) return fail(n, `is row 1 but names a predecessor (${e.prev_hash.slice(0, 16)}…): row 1 follows the genesis hash ${AUDIT_GENESIS.slice(0, 16)}…`);
      first = { seq: e.seq, prev_hash: e.prev_hash };
      verifier = createChainVerifier({ seq: e.seq, prevHash: e.prev_hash });
    }
    if (!verifier.push(e)) {
      const r = verifier.finish();
      return fail(n, `(row ${e.seq}): ${r.problem}`);
    }
    last = { seq: e.seq, hash: e.hash };
    rows++;
  }
  if (rows === 0) return { ok: false, rows, first, last, problem: n === 0 ? 'the file is empty' : 'the file holds no audit rows', bad_line: null };
  return { ok: true, rows, first, last, problem: null, bad_line: null };
}

/**
 * The lines of a file, read in chunks; a line longer than `maxBytes` is reported as such without
 * holding it in memory (yielded as a marker the checker refuses).
 */
export async function* fileLines(path: string, maxBytes = MAX_EXPORT_LINE_BYTES): AsyncGenerator<string> {
  let pending = '';
  let skipping = false;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    let text = pending + (chunk as string);
    pending = '';
    for (;;) {
      const nl = text.indexOf('\n');
      if (nl === -1) break;
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (skipping) {
        skipping = false;
        continue;
      }
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    if (skipping) continue;
    if (Buffer.byteLength(text) > maxBytes) {
      // Too long to be a row: hand the checker a stand-in of the same verdict, skip to the newline.
      yield 'x'.repeat(maxBytes + 1);
      skipping = true;
      continue;
    }
    pending = text;
  }
  if (!skipping && pending !== '') yield pending;
}
