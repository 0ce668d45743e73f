// Editing every message a chat channel posted about a request once it is settled, with the one
// failure rule every such channel follows (Telegram, Discord, Slack, and any added later): a
// message that is gone (deleted, or its chat) is skipped; a rate limit stops the round at once and
// hands its wait to the outbox (the other edits would be refused too); a refusal that retrying
// cannot fix is logged by the channel and the message left as it is; any other failure lets the
// rest be tried and then fails the item, so the outbox retries the round (edits are idempotent).
import type { DeliveryError } from '../delivery/delivery-error.js';

export interface EditAllRules<R> {
  /** The message is gone or needs no edit: nothing to do, nothing to retry. */
  skip(err: unknown): boolean;
  /** What the failure means for the outbox. */
  toDeliveryError(err: unknown, ref: R): DeliveryError;
  /** A message that can never be edited (a permanent refusal): say so and leave it. */
  leave(ref: R, failure: DeliveryError): void;
}

export async function editAll<R>(refs: readonly R[], edit: (ref: R) => Promise<void>, rules: EditAllRules<R>): Promise<void> {
  let failure: DeliveryError | null = null;
  for (const ref of refs) {
    try {
      await edit(ref);
    } catch (err) {
      if (rules.skip(err)) continue;
      const d = rules.toDeliveryError(err, ref);
      if (d.retryAfterMs !== null) throw d;
      if (d.permanent) {
        rules.leave(ref, d);
        continue;
      }
      failure ??= d;
    }
  }
  if (failure) throw failure;
}
