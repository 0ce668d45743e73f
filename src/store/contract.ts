// The adapter-neutral contract every Store must pass. An adapter's test file calls
// `storeContract('sqlite', () => new SqliteStore(...))`; each test gets a fresh, migrated store.

import { afterEach, beforeEach, describe } from 'node:test';
import type { Store } from './store.js';
import type { StoreHandle } from './contract/handle.js';
import { auditContract } from './contract/audit-contract.js';
import { grantsContract } from './contract/grants-contract.js';
import { keysChannelsMetaContract } from './contract/keys-channels-meta-contract.js';
import { listingContract } from './contract/listing-contract.js';
import { outboxContract } from './contract/outbox-contract.js';
import { requestsContract } from './contract/requests-contract.js';
import { sessionsContract } from './contract/sessions-contract.js';
import { settlingContract } from './contract/settling-contract.js';

export function storeContract(name: string, makeStore: () => Promise<Store>, cleanup?: (s: Store) => Promise<void>): void {
  describe(`${name} store contract`, () => {
    const handle: StoreHandle = { store: null as unknown as Store };

    beforeEach(async () => {
      handle.store = await makeStore();
      await handle.store.migrate();
    });

    afterEach(async () => {
      if (cleanup) await cleanup(handle.store);
      else await handle.store.close();
    });

    describe('requests', () => requestsContract(handle));
    describe('listing and search', () => listingContract(handle));
    describe('settling and expiry', () => settlingContract(handle));
    describe('audit log', () => auditContract(handle));
    describe('outbox', () => outboxContract(handle));
    describe('grants', () => grantsContract(handle));
    describe('keys, channel messages, meta', () => keysChannelsMetaContract(handle));
    describe('agent sessions and transcripts', () => sessionsContract(handle));
  });
}
