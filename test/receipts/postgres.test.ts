// Receipts on several instances of one PostgreSQL database: instances given the same key
// (receipts.signing_key) sign alike, so a receipt from one checks against another's public key;
// an instance with another key refuses to start; the receipt column arrives with migration 5.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { silentLogger } from '../../src/log.js';
import { verifyReceipt } from '../../src/receipts/receipt.js';
import { startServer } from '../../src/server.js';
import { startTestServer, testConfig } from '../helpers/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

let database: TestPostgres;
before(async () => {
  database = await startPostgres();
});
after(async () => {
  await database?.stop();
});

describe('receipts on PostgreSQL, several instances', { timeout: 120_000 }, () => {
  it('instances sharing a key sign alike; one with another key refuses to start', async () => {
    const url = await database.createDatabase('receipts');
    const a = await startTestServer({ store: { url } });
    const b = await startTestServer({ store: { url } });
    try {
      const created = await a.call('agent', 'POST', '/v1/requests', { title: 'deploy', tool: 'Bash', input: { command: 'make deploy' }, cwd: '/srv' });
      const decided = await b.call('approver', 'POST', `/v1/requests/${created.body.id}/decision`, { outcome: 'approved' });
      assert.equal(decided.status, 200, decided.text);
      const fromA = await a.call('agent', 'GET', `/v1/requests/${created.body.id}/receipt`);
      assert.deepEqual(fromA.body, decided.body.receipt, 'stored once, read anywhere');
      const key = (await a.call(null, 'GET', '/v1/receipts/public-key')).body;
      assert.equal(verifyReceipt(decided.body.receipt, createPublicKey(key.public_key_pem)).ok, true);

      const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      await assert.rejects(
        startServer(testConfig(a.dataDir + '-c', { store: { url }, receipts: { signing_key: other } }), { logger: silentLogger }),
        (err: Error) => err.name === 'StartupError' && /With PostgreSQL every instance must sign with the same key/.test(err.message) && /GREENLIGHT_RECEIPTS_SIGNING_KEY_FILE/.test(err.message),
      );

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const versions = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
        assert.ok(versions.includes(5), `migration 5 (receipts) applied: ${versions.join(', ')}`);
      } finally {
        await client.end();
      }
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
