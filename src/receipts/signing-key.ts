// The server's receipt signing key (Ed25519). From the config (receipts.signing_key, a PEM
// private key; GREENLIGHT_RECEIPTS_SIGNING_KEY or its _FILE form), else <data_dir>/receipt-key.pem,
// generated with mode 0600 on first start. The store records the public key in use, so an
// instance that would sign with another key (a second PostgreSQL instance given no shared key, or
// a key file replaced by accident) refuses to start instead of handing out receipts nobody can
// check against the published key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { StartupError } from '../startup-error.js';
import type { Store } from '../store/store.js';
import { createReceiptSigner, keyIdOf, type ReceiptSigner } from './receipt.js';

export const RECEIPT_KEY_FILE = 'receipt-key.pem';
export const RECEIPT_KEY_META_KEY = 'receipts.key';
const SETTING = 'receipts.signing_key (GREENLIGHT_RECEIPTS_SIGNING_KEY, or GREENLIGHT_RECEIPTS_SIGNING_KEY_FILE naming a PEM file)';

/** What the store records about the key receipts are signed with. */
export interface RecordedKey {
  key_id: string;
  public_key_pem: string;
  since: number;
  /** Keys used before a deliberate rotation, so receipts they signed stay checkable. */
  previous: { key_id: string; public_key_pem: string; until: number }[];
}

function ed25519(pem: string, where: string): { privateKey: KeyObject; publicKey: KeyObject } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (cause) {
    throw new StartupError(`${where} is not a PEM private key (${(cause as Error).message}). Give an Ed25519 key: openssl genpkey -algorithm ed25519`, { cause });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new StartupError(`${where} is an ${privateKey.asymmetricKeyType} key; receipts are signed with Ed25519 (openssl genpkey -algorithm ed25519).`);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Reads (or creates) the key the config names; no store involved. */
export function loadSigningKey(config: Pick<Config, 'receipts' | 'data_dir'>): { signer: ReceiptSigner; source: 'config' | 'file' | 'generated'; path: string | null } {
  if (config.receipts.signing_key) {
    const k = ed25519(config.receipts.signing_key, SETTING);
    return { signer: createReceiptSigner(k.privateKey, k.publicKey), source: 'config', path: null };
  }
  const path = join(config.data_dir, RECEIPT_KEY_FILE);
  let pem: string | null = null;
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new StartupError(`${path} (the receipt signing key) can be read by other users (mode ${mode.toString(8)}): run chmod 600 ${path}.`);
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof StartupError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StartupError(`cannot read the receipt signing key ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (pem !== null) {
    const k = ed25519(pem, path);
    return { signer: createReceiptSigner(k.privateKey, k.publicKey), source: 'file', path };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    mkdirSync(config.data_dir, { recursive: true });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (err) {
    // Another process created it first: use that one.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSigningKey(config);
    throw new StartupError(`cannot write the receipt signing key to ${path}: ${(err as Error).message}. Make the data directory writable (--data-dir / GREENLIGHT_DATA_DIR), or set ${SETTING}.`, { cause: err });
  }
  return { signer: createReceiptSigner(privateKey, publicKey), source: 'generated', path };
}

export function parseRecordedKey(raw: string | null): RecordedKey | null {
  if (raw === null) return null;
  const v = JSON.parse(raw) as RecordedKey;
  return { ...v, previous: Array.isArray(v.previous) ? v.previous : [] };
}

/**
 * Records the key in the store on first use; refuses a key other than the recorded one. With
 * `rotate`, the recorded key moves to `previous` (its receipts stay checkable) and this one is
 * recorded instead.
 */
export async function recordSigningKey(store: Pick<Store, 'getMeta' | 'swapMeta'>, signer: ReceiptSigner, now: number, options: { rotate?: boolean } = {}): Promise<RecordedKey> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const raw = await store.getMeta(RECEIPT_KEY_META_KEY);
    const recorded = parseRecordedKey(raw);
    if (recorded && recorded.key_id === signer.keyId) return recorded;
    if (recorded && !options.rotate) {
      throw new StartupError(
        `receipts in this store are signed with key ${recorded.key_id}, but this instance's key is ${signer.keyId}. ` +
          `With PostgreSQL every instance must sign with the same key: give each the same PEM in ${SETTING}. ` +
          `If you replaced the key on purpose, run "greenlight receipt rotate-key" once with the new key configured (receipts signed before stay checkable).`,
      );
    }
    const next: RecordedKey = {
      key_id: signer.keyId,
      public_key_pem: signer.publicKeyPem,
      since: now,
      previous: recorded ? [...recorded.previous, { key_id: recorded.key_id, public_key_pem: recorded.public_key_pem, until: now }] : [],
    };
    if (await store.swapMeta(RECEIPT_KEY_META_KEY, raw, JSON.stringify(next))) return next;
  }
  throw new StartupError('could not record the receipt signing key: the store kept changing it (instances starting with different keys?)');
}

/** The public key of a PEM (SPKI) text, and its key id; throws with a message naming the problem. */
export function publicKeyFromPem(pem: string): { publicKey: KeyObject; keyId: string } {
  const publicKey = createPublicKey(pem);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`it is an ${publicKey.asymmetricKeyType} key; receipts are signed with Ed25519`);
  return { publicKey, keyId: keyIdOf(publicKey) };
}
