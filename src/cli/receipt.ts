// `greenlight receipt verify|rotate-key`: checks a signed decision receipt offline with the
// server's public key (a PEM file, or fetched from a server), and — with --action — that an action
// hashes to what was approved; rotate-key records a deliberately replaced signing key.
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { jsonTooDeep, jsonTooDeepMessage } from '../core/json-depth.cjs';
import { actionSha256, verifyReceipt, type Receipt } from '../receipts/receipt.js';
import { loadSigningKey, publicKeyFromPem, recordSigningKey } from '../receipts/signing-key.js';
import type { Command } from './commands.js';
import { optionsHelp, runSubcommand, usageErrorFor, withStore, type Subcommand } from './store-commands.js';
import { cli } from '../invocation.js';
import { clean } from './audit.js';

const MAX_FILE_BYTES = 1024 * 1024;

const USAGE = `Usage:
  ${cli('receipt verify')} FILE --public-key PEM_FILE [--action ACTION.json]
  ${cli('receipt verify')} FILE --server URL [--action ACTION.json]
                             check a receipt (or a request JSON holding one) offline
  ${cli('receipt rotate-key')}   record the configured signing key after replacing it on purpose

Exit codes: 0 the receipt is valid (and the action matches), 1 it is not, 2 usage, file or
network error.
`;

const help = () =>
  `${USAGE}\nOptions:\n${optionsHelp([
    ['--public-key FILE', "the server's public key, PEM (GET /v1/receipts/public-key?format=pem)"],
    ['--server URL', 'fetch the public key from this Greenlight server instead'],
    ['--action FILE', 'JSON {"tool", "input", "cwd"}: also check the receipt binds this action'],
  ])}\n`;

export const receiptCommand: Command = {
  summary: 'verify a signed decision receipt offline, or record a replaced signing key (verify | rotate-key)',
  run: (args) =>
    runSubcommand(
      {
        command: 'receipt',
        usage: USAGE,
        help,
        options: { 'public-key': { type: 'string' }, server: { type: 'string' }, action: { type: 'string' } },
        allowPositionals: true,
        accepts: { verify: ['public-key', 'server', 'action'], 'rotate-key': [] },
        subcommands: SUBCOMMANDS,
      },
      args,
    ),
};

const usageError = usageErrorFor('receipt', USAGE);

/** Reads a small JSON file; a string is the problem in words. */
function readJsonFile(path: string, what: string): unknown | string {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_FILE_BYTES) return `${what} ${path} is ${buf.length} bytes; a receipt file is at most ${MAX_FILE_BYTES}`;
    text = buf.toString('utf8');
  } catch (err) {
    return `cannot read ${what} ${path}: ${(err as Error).message}`;
  }
  if (jsonTooDeep(text)) return `${what} ${path}: ${jsonTooDeepMessage('it')}`;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return `${what} ${path} is not JSON: ${(err as Error).message}`;
  }
}

/** The public keys a server publishes (current first), by key id. */
async function keysFromServer(base: string): Promise<Map<string, KeyObject> | string> {
  let url: URL;
  try {
    url = new URL('v1/receipts/public-key', base.endsWith('/') ? base : `${base}/`);
  } catch {
    return `--server ${JSON.stringify(base)} is not a URL`;
  }
  let body: { key_id?: unknown; public_key_pem?: unknown; previous?: unknown };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (!res.ok) return `${url} answered ${res.status}: ${text.slice(0, 200)}`;
    if (text.length > MAX_FILE_BYTES) return `${url} sent more than ${MAX_FILE_BYTES} bytes: not a Greenlight public key`;
    body = JSON.parse(text);
  } catch (err) {
    return `cannot fetch the public key from ${url}: ${(err as Error).message}`;
  }
  const keys = new Map<string, KeyObject>();
  const entries = [body, ...(Array.isArray(body.previous) ? body.previous : [])] as { public_key_pem?: unknown }[];
  for (const e of entries) {
    if (typeof e?.public_key_pem !== 'string') continue;
    try {
      const k = publicKeyFromPem(e.public_key_pem);
      keys.set(k.keyId, k.publicKey);
    } catch {
      // skip what is not an Ed25519 key
    }
  }
  if (keys.size === 0) return `${url} sent no Ed25519 public key: is it a Greenlight server?`;
  return keys;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  async verify({ values, positionals }) {
    if (positionals.length !== 1) return usageError('verify', positionals.length ? 'give one receipt file' : 'name the receipt file');
    const pemFile = values['public-key'] as string | undefined;
    const server = values.server as string | undefined;
    if (!pemFile === !server) return usageError('verify', 'give exactly one of --public-key PEM_FILE or --server URL');
    const file = positionals[0];
    const loaded = readJsonFile(file, 'the receipt');
    if (typeof loaded === 'string') return usageError('verify', loaded);
    // A whole request (GET /v1/requests/{id}) carries its receipt under `receipt`.
    const holder = loaded as { receipt?: unknown; signature?: unknown } | null;
    const value = holder && typeof holder === 'object' && !('signature' in holder) && holder.receipt && typeof holder.receipt === 'object' ? holder.receipt : loaded;

    let keys: Map<string, KeyObject>;
    if (pemFile) {
      let pem: string;
      try {
        pem = readFileSync(pemFile, 'utf8');
      } catch (err) {
        return usageError('verify', `cannot read the public key ${pemFile}: ${(err as Error).message}`);
      }
      try {
        const k = publicKeyFromPem(pem);
        keys = new Map([[k.keyId, k.publicKey]]);
      } catch (err) {
        return usageError('verify', `${pemFile} is not an Ed25519 public key in PEM: ${(err as Error).message}`);
      }
    } else {
      const fetched = await keysFromServer(server!);
      if (typeof fetched === 'string') return usageError('verify', fetched);
      keys = fetched;
    }
    const named = value && typeof value === 'object' ? (value as { key_id?: unknown }).key_id : undefined;
    const key = (typeof named === 'string' ? keys.get(named) : undefined) ?? keys.values().next().value!;
    const check = verifyReceipt(value, key);
    if (!check.ok) {
      process.stderr.write(`receipt INVALID: ${check.message}.\nField: ${check.field}\n`);
      return 1;
    }
    const r = check.receipt;
    if (values.action !== undefined) {
      const matched = matchAction(r, values.action as string);
      if (typeof matched === 'string') return usageError('verify', matched);
      if (!matched.field) {
        process.stderr.write(`receipt valid, but the action does NOT match: ${values.action} hashes to ${matched.hash}, the receipt approved ${r.edited_action_sha256 ?? r.action_sha256}.\nField: ${r.edited_action_sha256 ? 'edited_action_sha256' : 'action_sha256'}\n`);
        return 1;
      }
      process.stdout.write(`action matches the receipt's ${matched.field}\n`);
    }
    process.stdout.write(describe(r));
    return 0;
  },

  async 'rotate-key'(_parsed, { config }) {
    const { signer } = loadSigningKey(config);
    return withStore(
      'rotate-key',
      config,
      async (store) => {
        const recorded = await recordSigningKey(store, signer, Date.now(), { rotate: true });
        process.stdout.write(`receipts are now signed with ${signer.keyId}${recorded.previous.length ? `; earlier keys (${recorded.previous.map((p) => p.key_id).join(', ')}) stay listed at GET /v1/receipts/public-key` : ''}.\n`);
        return 0;
      },
      { command: 'receipt', mustExist: true },
    );
  },
};

/** Which hash of the receipt the action file matches (field null: none), or the problem in words. */
function matchAction(r: Receipt, path: string): { field: string | null; hash: string } | string {
  const a = readJsonFile(path, 'the action');
  if (typeof a === 'string') return a;
  if (!a || typeof a !== 'object' || Array.isArray(a)) return 'the action file must hold a JSON object {"tool", "input", "cwd"}';
  const o = a as { tool?: unknown; input?: unknown; cwd?: unknown };
  if ((o.tool !== undefined && o.tool !== null && typeof o.tool !== 'string') || (o.cwd !== undefined && o.cwd !== null && typeof o.cwd !== 'string')) return 'tool and cwd in the action file must be strings or null';
  const hash = actionSha256((o.tool as string | undefined) ?? null, o.input, (o.cwd as string | undefined) ?? null);
  // An edited approval approves the edited action only.
  if (r.edited_action_sha256 !== null) return { field: hash === r.edited_action_sha256 ? 'edited_action_sha256 (the action as the approver edited it)' : null, hash };
  return { field: hash === r.action_sha256 ? 'action_sha256 (the action as filed and shown)' : null, hash };
}

function describe(r: Receipt): string {
  const who = r.approvers.map((a) => `${clean(a.name)} (${clean(a.kind)}) via ${clean(a.via)}`).join(', ');
  return (
    `receipt valid: signed by ${r.key_id}\n` +
    `  request   ${clean(r.request_id)} (agent ${clean(r.agent)})\n` +
    `  outcome   ${r.outcome}${r.scope ? ` (scope ${r.scope})` : ''}\n` +
    `  by        ${who}\n` +
    `  action    sha256 ${r.action_sha256}\n` +
    (r.edited_action_sha256 ? `  edited to sha256 ${r.edited_action_sha256}\n` : '') +
    (r.conditions ? `  conditions ${clean(JSON.stringify(r.conditions))}\n` : '') +
    `  decided   ${r.decided_at}, issued ${r.issued_at}\n`
  );
}
