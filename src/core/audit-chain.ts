// The audit log's hash chain: how a row's hash is computed and how a run of rows is checked.
import { sha256Hex } from './sha256.js';
import { canonicalJson } from './canonical.cjs';
import type { AuditEntry, AuditInput } from '../store/store.js';

export { canonicalJson };

/** The hash of the row before the first one. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** `canonicalJson` of one field (`"key":value,`), or nothing when it is undefined. */
const field = (key: string, v: unknown) => (v === undefined ? '' : `"${key}":${canonicalJson(v)},`);

/** hash = sha256(prev_hash | seq | canonical entry). The entry's keys are written in sorted order. */
export function auditHash(prevHash: string, seq: number, entry: AuditInput): string {
  const fields =
    field('action', entry.action) +
    field('actor_kind', entry.actor_kind) +
    field('actor_name', entry.actor_name) +
    field('at', entry.at) +
    field('detail', entry.detail) +
    field('request_id', entry.request_id) +
    field('via', entry.via);
  return sha256Hex(`${prevHash}|${seq}|{${fields.slice(0, -1)}}`);
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  /** First problem found, in words a human can act on. */
  problem: string | null;
  bad_seq: number | null;
}

/**
 * Checks the chain one row at a time, so a log of millions of rows is verified in pages without
 * holding it in memory. Detects an edited row (hash mismatch), a deleted row (seq gap or prev_hash
 * mismatch), and — given the recorded head at the end — a truncated tail. `start` begins the check
 * mid-log (an export from row N trusts the hash its first row names as its predecessor).
 */
export function createChainVerifier(start: { seq: number; prevHash: string } = { seq: 1, prevHash: AUDIT_GENESIS }) {
  let prev = start.prevHash;
  let expectedSeq = start.seq;
  let checked = 0;
  let failure: AuditVerifyResult | null = null;
  const fail = (problem: string, bad_seq: number) => (failure = { ok: false, checked, problem, bad_seq });
  return {
    /** Feeds the next row; false once the chain is broken. */
    push(e: AuditEntry): boolean {
      if (failure) return false;
      if (e.seq !== expectedSeq) return !fail(`row ${expectedSeq} is missing (next row is ${e.seq}): rows were deleted`, expectedSeq);
      if (e.prev_hash !== prev) return !fail(`row ${e.seq} does not link to row ${e.seq - 1}: a row was deleted or replaced`, e.seq);
      if (auditHash(prev, e.seq, e) !== e.hash) return !fail(`row ${e.seq} was edited: its content no longer matches its hash`, e.seq);
      prev = e.hash;
      expectedSeq++;
      checked++;
      return true;
    },
    /** The last row checked. */
    get last(): number {
      return expectedSeq - 1;
    },
    finish(recordedHead?: { seq: number; hash: string } | null): AuditVerifyResult {
      if (failure) return failure;
      if (recordedHead && (recordedHead.seq !== expectedSeq - 1 || recordedHead.hash !== prev)) {
        return { ok: false, checked, problem: `the log ends at row ${expectedSeq - 1} but the recorded head is row ${recordedHead.seq}: rows were removed from the end`, bad_seq: expectedSeq };
      }
      return { ok: true, checked, problem: null, bad_seq: null };
    },
  };
}

/** Verifies a whole chain held in memory (see createChainVerifier). */
export function verifyAuditChain(entries: Iterable<AuditEntry>, recordedHead?: { seq: number; hash: string } | null): AuditVerifyResult {
  const v = createChainVerifier();
  for (const e of entries) if (!v.push(e)) break;
  return v.finish(recordedHead);
}
