// Step-up on chat channels: before a channel asks an approver for their code (a force-reply, a
// modal), it checks they have a second factor at all, so someone who has not set one up is told to
// enrol in the dashboard at once instead of typing a code that cannot work. The gate checks again
// when deciding.
import type { Principal } from '../core/types.js';
import type { ChannelContext } from './channel.js';

export const NOT_ENROLLED_TEXT = 'This request needs the 6-digit code from an authenticator app to approve, and you have none set up. Set one up in the dashboard (Security), or approve it there with a passkey. You can still deny it.';

/** Null to go ahead and ask for the code, or what to tell the approver instead. */
export async function codeBlocker(ctx: Pick<ChannelContext, 'stepUpEnrolled'>, principal: Principal): Promise<string | null> {
  if (!ctx.stepUpEnrolled || (await ctx.stepUpEnrolled(principal.name))) return null;
  return NOT_ENROLLED_TEXT;
}
