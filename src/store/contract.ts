// The adapter-neutral contract every Store must pass. An adapter's test file calls
// `storeContract('sqlite', () => new SqliteStore(...))`; each test gets a fresh, migrated store
// (and `h.open()` gives it another one, for tests that move rows between two stores).

import { afterEach, beforeEach, describe } from 'node:test';
import type { Store } from './store.js';
import type { StoreHandle } from './contract/handle.js';
import { auditContract } from './contract/audit-contract.js';
import { grantsContract } from './contract/grants-contract.js';
import { historyContract } from './contract/history-contract.js';
import { keysChannelsMetaContract } from './contract/keys-channels-meta-contract.js';
import { listingContract } from './contract/listing-contract.js';
import { outboxContract } from './contract/outbox-contract.js';
import { requestsContract } from './contract/requests-contract.js';
import { sessionsContract } from './contract/sessions-contract.js';
import { metaContract } from './contract/meta-contract.js';
import { settlingContract } from './contract/settling-contract.js';
import { stepUpContract } from './contract/step-up-contract.js';
import { transferContract } from './contract/transfer-contract.js';
import { workflowContract } from './contract/workflow-contract.js';

export function storeContract(name: string, makeStore: () => Promise<Store>, cleanup?: (s: Store) => Promise<void>): void {
  describe(`${name} store contract`, () => {
    const extra: Store[] = [];
    const open = async () => {
      const store = await makeStore();
      await store.migrate();
      return store;
    };
    const handle: StoreHandle = {
      store: null as unknown as Store,
      async open() {
        const store = await open();
        extra.push(store);
        return store;
      },
    };

    beforeEach(async () => {
      handle.store = await open();
    });

    afterEach(async () => {
      for (const store of [handle.store, ...extra.splice(0)]) {
        if (cleanup) await cleanup(store);
        else await store.close();
      }
    });

    describe('requests', () => requestsContract(handle));
    describe('listing and search', () => listingContract(handle));
    describe('history scan (insights)', () => historyContract(handle));
    describe('settling and expiry', () => settlingContract(handle));
    describe('audit log', () => auditContract(handle));
    describe('outbox', () => outboxContract(handle));
    describe('grants', () => grantsContract(handle));
    describe('keys, channel messages, meta', () => keysChannelsMetaContract(handle));
    describe('agent sessions and transcripts', () => sessionsContract(handle));
    describe('meta: expiry and compare-and-set', () => metaContract(handle));
    describe('export and import', () => transferContract(handle));
    describe('workflows: votes and ladder steps by compare-and-set', () => workflowContract(handle));
    describe('step-up factors', () => stepUpContract(handle));
  });
}
