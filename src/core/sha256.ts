// SHA-256 of a string (UTF-8) as lowercase hex, for the hashes taken on every request (key
// lookups, the audit chain, hook call identities). `crypto.hash` (Node 20.12+, 21.7+) does it in
// one call, several times cheaper than createHash for short inputs; older Nodes use createHash.
import * as crypto from 'node:crypto';

const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export const sha256Hex: (text: string) => string = oneShot ? (text) => oneShot('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
