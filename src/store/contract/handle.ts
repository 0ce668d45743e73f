import type { ApprovalRequest } from '../../core/types.js';
import type { Effects, Store } from '../store.js';
import { NO_EFFECTS, makeRequest } from '../fixtures.js';

/** The store under test; replaced before each test by the contract's beforeEach. */
export interface StoreHandle {
  store: Store;
  /** Another fresh, migrated store of the same adapter (closed after the test). */
  open(): Promise<Store>;
}

/** Creates one request per override, in order, and returns them as created. */
export async function seedRequests(store: Store, overrides: Partial<ApprovalRequest>[], effects: Effects = NO_EFFECTS): Promise<ApprovalRequest[]> {
  const created: ApprovalRequest[] = [];
  for (const o of overrides) {
    const result = await store.createRequest(makeRequest(o), effects);
    created.push(result.request);
  }
  return created;
}

export const idsOf = (requests: readonly { id: string }[]): string[] => requests.map((r) => r.id);

/** Newest first: (created_at desc, id desc). */
export function newestFirst(requests: readonly ApprovalRequest[]): ApprovalRequest[] {
  return [...requests].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export async function allAudit(store: Store) {
  return store.listAudit({ limit: 1_000_000 });
}

export async function allOutbox(store: Store) {
  return store.listOutbox({ limit: 1_000_000 });
}
