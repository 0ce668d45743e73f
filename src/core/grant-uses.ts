// A grant allows a request only by spending one of its uses, atomically (Store.useGrant is a
// compare-and-set: never past max_uses, never after it expired or was revoked). The policy reads
// the grants before the request is filed, so two requests at once can both see the last use left;
// whichever loses the compare-and-set is evaluated again without that grant, and then usually asks
// a human. This is what makes "at most 3 times" a limit the gate enforces rather than a hint.
import type { ApprovalRequest } from './types.js';
import type { Store } from '../store/store.js';
import type { PolicyOutcome } from './gate.js';

export type PolicyFn = (request: ApprovalRequest, options?: { excludeGrants?: string[] }) => Promise<PolicyOutcome | null> | PolicyOutcome | null;

/** The policy's verdict on a request, with a use of every grant it relied on spent; never a grant that had none left. */
export async function verdictSpendingGrants(store: Pick<Store, 'useGrant'>, policy: PolicyFn, request: ApprovalRequest, now: number): Promise<PolicyOutcome | null> {
  const spent: string[] = [];
  const exclude: string[] = [];
  // Each round excludes at least one more grant, so this ends (a request names a handful at most).
  for (;;) {
    const verdict = await policy(request, exclude.length ? { excludeGrants: [...exclude] } : undefined);
    const wanted = verdict?.verdict === 'allow' ? (verdict.grantIds ?? []).filter((g) => !spent.includes(g)) : [];
    // A policy that still relies on a grant with no use left fails closed: a human decides.
    const gone = wanted.filter((g) => exclude.includes(g));
    if (verdict && gone.length) {
      const { grantIds: _none, ...rest } = verdict;
      return { ...rest, verdict: 'ask', reason: `${verdict.reason} — but grant ${gone.join(', ')} has no use left (used up, expired or revoked), so a human decides.` };
    }
    const lost = [];
    for (const id of wanted) (await store.useGrant(id, now)) ? spent.push(id) : lost.push(id);
    if (!lost.length) return verdict;
    exclude.push(...lost);
  }
}
