// Signed decision receipts: what a decision proves, in a form anyone holding the server's public
// key can check offline. A receipt binds a request id to the SHA-256 of the canonical action the
// approver saw (and of the edited action, when the approver edited it), the outcome, who decided
// and via which channel, the conditions, and when; it is signed with the server's Ed25519 key.
// Issuing and verifying are pure (node:crypto, no I/O); signing-key.ts finds the key.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalAction, canonicalJson } from '../core/canonical.cjs';
import { applyEdit } from '../core/edit.js';
import { SCOPES, TERMINAL_STATUSES, type Actor, type ApprovalRequest, type DecisionReceipt } from '../core/types.js';

export const RECEIPT_VERSION = 1;

export type Receipt = DecisionReceipt;
export type ReceiptApprover = DecisionReceipt['approvers'][number];

/** Every field of a version 1 receipt, in the order docs/security.md lists them. */
export const RECEIPT_FIELDS = ['receipt_version', 'request_id', 'agent', 'action_sha256', 'edited_action_sha256', 'outcome', 'scope', 'approvers', 'conditions', 'decided_at', 'issued_at', 'key_id', 'signature'] as const;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** SHA-256 (hex) of the canonical action {cwd, input, tool}. */
export const actionSha256 = (tool: string | null, input: unknown, cwd: string | null): string => sha256(canonicalAction(tool, input, cwd));

/** The action hashes of a request: as filed, and as edited (the edit applied as the hooks apply it). */
export function actionHashes(r: Pick<ApprovalRequest, 'tool' | 'input' | 'cwd' | 'decision'>): { action_sha256: string; edited_action_sha256: string | null } {
  const edited = r.decision?.updated_input;
  const editedInput = edited === null || edited === undefined ? null : (applyEdit(r.tool, r.input, edited) ?? edited);
  return { action_sha256: actionSha256(r.tool, r.input, r.cwd), edited_action_sha256: editedInput === null ? null : actionSha256(r.tool, editedInput, r.cwd) };
}

/** `ed25519:` and the first 16 hex digits of the SHA-256 of the public key's DER (SPKI) bytes. */
export function keyIdOf(publicKey: KeyObject): string {
  return `ed25519:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)}`;
}

export interface ReceiptSigner {
  keyId: string;
  publicKey: KeyObject;
  publicKeyPem: string;
  issue(request: ApprovalRequest, by: { actor: Actor; via: string | null; at: number }): Receipt;
}

/** The bytes a receipt's signature covers: canonical JSON of every field but `signature`. */
export function signedText(receipt: Record<string, unknown>): string {
  const { signature: _s, ...rest } = receipt;
  return canonicalJson(rest);
}

/**
 * Who decided: each approver whose vote completed a quorum (src/core/workflow.ts) with the channel
 * they voted from, else the one decider (a person, the policy, the timeout).
 */
function approversOf(request: ApprovalRequest, by: { actor: Actor; via: string | null }): ReceiptApprover[] {
  const d = request.decision;
  if (!d) return [{ name: by.actor.name, kind: by.actor.kind, via: by.via ?? 'api' }];
  const votes = request.workflow && request.workflow.quorum.required > 1 ? request.workflow.votes.filter((v) => v.outcome === d.outcome) : [];
  if (votes.length) return votes.slice(0, 100).map((v) => ({ name: v.approver, kind: d.decided_by_kind, via: v.via }));
  return [{ name: d.decided_by, kind: d.decided_by_kind, via: d.via }];
}

export function createReceiptSigner(privateKey: KeyObject, publicKey: KeyObject): ReceiptSigner {
  const keyId = keyIdOf(publicKey);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    keyId,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    issue(request, by) {
      const d = request.decision;
      const body: Omit<Receipt, 'signature'> = {
        receipt_version: RECEIPT_VERSION,
        request_id: request.id,
        agent: request.agent,
        ...actionHashes(request),
        outcome: request.status,
        scope: d?.scope ?? null,
        approvers: approversOf(request, by),
        conditions: d?.conditions ?? null,
        decided_at: iso(d?.decided_at ?? by.at),
        issued_at: iso(by.at),
        key_id: keyId,
      };
      const signature = sign(null, Buffer.from(canonicalJson(body), 'utf8'), privateKey).toString('base64url');
      return { ...body, signature };
    },
  };
}

export type ReceiptCheck = { ok: true; receipt: Receipt } | { ok: false; field: string; message: string };

const HEX64 = /^[0-9a-f]{64}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The first field of `value` that is not shaped as a version 1 receipt says, or null. */
function shapeProblem(r: Record<string, unknown>): { field: string; message: string } | null {
  const bad = (field: string, message: string) => ({ field, message: `${field} ${message}` });
  for (const k of Object.keys(r)) if (!(RECEIPT_FIELDS as readonly string[]).includes(k)) return bad(k.slice(0, 60), 'is not a field of a version 1 receipt (was one added?)');
  for (const k of RECEIPT_FIELDS) if (!(k in r)) return bad(k, 'is missing');
  if (r.receipt_version !== RECEIPT_VERSION) return bad('receipt_version', `must be ${RECEIPT_VERSION}; this verifier knows no other version`);
  if (!isStr(r.request_id, 200)) return bad('request_id', 'must be a non-empty string');
  if (!isStr(r.agent, 200)) return bad('agent', 'must be a non-empty string');
  if (typeof r.action_sha256 !== 'string' || !HEX64.test(r.action_sha256)) return bad('action_sha256', 'must be a SHA-256 digest (64 lowercase hex digits)');
  if (r.edited_action_sha256 !== null && (typeof r.edited_action_sha256 !== 'string' || !HEX64.test(r.edited_action_sha256))) return bad('edited_action_sha256', 'must be null or a SHA-256 digest (64 lowercase hex digits)');
  if (typeof r.outcome !== 'string' || !(TERMINAL_STATUSES as readonly string[]).includes(r.outcome)) return bad('outcome', `must be one of ${TERMINAL_STATUSES.join(', ')}`);
  if (r.scope !== null && !(SCOPES as readonly string[]).includes(r.scope as string)) return bad('scope', `must be null or one of ${SCOPES.join(', ')}`);
  if (!Array.isArray(r.approvers) || r.approvers.length === 0 || r.approvers.length > 100) return bad('approvers', 'must be a list of 1 to 100 approvers');
  for (const a of r.approvers) {
    if (!isObj(a) || Object.keys(a).length !== 3 || !isStr(a.name, 200) || !isStr(a.kind, 40) || !isStr(a.via, 100)) return bad('approvers', 'must hold objects of exactly name, kind and via (non-empty strings)');
  }
  if (r.conditions !== null && (!isObj(r.conditions) || Object.values(r.conditions).some((v) => !['string', 'number', 'boolean'].includes(typeof v)))) return bad('conditions', 'must be null or an object of strings, numbers and booleans');
  for (const f of ['decided_at', 'issued_at'] as const) if (typeof r[f] !== 'string' || !ISO.test(r[f] as string) || Number.isNaN(Date.parse(r[f] as string))) return bad(f, 'must be an ISO-8601 UTC time (2026-01-01T00:00:00.000Z)');
  if (typeof r.key_id !== 'string' || !/^ed25519:[0-9a-f]{16}$/.test(r.key_id)) return bad('key_id', 'must be ed25519: and 16 lowercase hex digits');
  if (typeof r.signature !== 'string' || !/^[A-Za-z0-9_-]{86}$/.test(r.signature)) return bad('signature', 'must be a base64url Ed25519 signature (86 characters)');
  return null;
}

/**
 * Checks a receipt against a public key: its shape, that its key_id names this key, and the
 * signature over every other field. A failure names the field (`signature` when the content was
 * changed after signing: the signature cannot say which field).
 */
export function verifyReceipt(value: unknown, publicKey: KeyObject): ReceiptCheck {
  if (!isObj(value)) return { ok: false, field: '(receipt)', message: 'a receipt is a JSON object' };
  const problem = shapeProblem(value);
  if (problem) return { ok: false, ...problem };
  const keyId = keyIdOf(publicKey);
  if (value.key_id !== keyId) return { ok: false, field: 'key_id', message: `key_id is ${value.key_id} but the public key given is ${keyId}: it was signed by another key (or key_id was changed)` };
  const good = verify(null, Buffer.from(signedText(value), 'utf8'), publicKey, Buffer.from(value.signature as string, 'base64url'));
  if (!good) return { ok: false, field: 'signature', message: 'signature does not match the content: a field was changed after the server signed it' };
  return { ok: true, receipt: value as unknown as Receipt };
}

/** A short reference for text an agent reads (hook reasons): the action hash and the key. */
export function receiptRef(r: Receipt): string {
  const hash = r.edited_action_sha256 ?? r.action_sha256;
  return `receipt: action sha256 ${hash.slice(0, 16)}…, signed ${r.key_id}`;
}
