// "Away until … with a delegate": an approver (or an admin for them) says they are away until a
// time, optionally naming who is asked in their stead. Kept in the store's meta entries (shared by
// every instance) with the end as the entry's expiry, so it lapses by itself. Workflows read it
// when a step starts (./planner.ts); the HTTP routes are in ./away-routes.ts.
import type { Store } from '../store/store.js';

export interface Away {
  approver: string;
  until: number;
  delegate: string | null;
  note: string | null;
  set_by: string;
  set_at: number;
}

const key = (approver: string) => `away:${approver}`;

export async function getAway(store: Store, approver: string, now: number): Promise<Away | null> {
  const raw = await store.getMeta(key(approver), now);
  if (!raw) return null;
  try {
    const a = JSON.parse(raw) as Away;
    return a.until > now ? a : null;
  } catch {
    return null;
  }
}

export async function setAway(store: Store, away: Away): Promise<void> {
  await store.setMeta(key(away.approver), JSON.stringify(away), { expires_at: away.until });
}

export async function clearAway(store: Store, approver: string): Promise<boolean> {
  return store.deleteMeta(key(approver));
}
