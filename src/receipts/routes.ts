// Receipts over HTTP: the public key that checks them (no key needed: it is public) and the
// receipt of one request (whoever may read the request may read its receipt).
import { Hono } from 'hono';
import { GreenlightError } from '../core/errors.js';
import { principalOf, type AppEnv } from '../http/context.js';
import { requireAuth } from '../http/middleware.js';
import { parseRecordedKey, RECEIPT_KEY_META_KEY } from './signing-key.js';

export function receiptRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/v1/receipts/public-key', async (c) => {
    const { gate } = c.get('deps');
    const signer = gate.deps.receipts;
    if (!signer) throw new GreenlightError('NOT_FOUND', 'This server signs no receipts.');
    let previous: { key_id: string; public_key_pem: string; until: string }[] = [];
    try {
      const recorded = parseRecordedKey(await gate.deps.store.getMeta(RECEIPT_KEY_META_KEY));
      previous = (recorded?.previous ?? []).map((p) => ({ key_id: p.key_id, public_key_pem: p.public_key_pem, until: new Date(p.until).toISOString() }));
    } catch {
      // An unreadable record lists no earlier keys; the current key is still right.
    }
    if (c.req.query('format') === 'pem') return c.text(signer.publicKeyPem, 200, { 'content-type': 'application/x-pem-file' });
    return c.json({ key_id: signer.keyId, algorithm: 'Ed25519', public_key_pem: signer.publicKeyPem, previous });
  });

  app.get('/v1/requests/:id/receipt', requireAuth(), async (c) => {
    const request = await c.get('deps').gate.get(principalOf(c), c.req.param('id'));
    if (request.status === 'pending') throw new GreenlightError('RECEIPT_PENDING', `Request ${request.id} is still pending: its receipt is issued when it is decided, expires or is cancelled.`);
    if (!request.receipt) throw new GreenlightError('NOT_FOUND', `Request ${request.id} was settled before this server issued receipts; it has none.`);
    return c.json(request.receipt);
  });

  return app;
}
