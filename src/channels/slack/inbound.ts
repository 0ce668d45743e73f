// What Slack sends when someone acts — a button click (block_actions), a submitted modal
// (view_submission), the `/greenlight` command — turned into gate.decide with the approver's
// principal and `via: slack`. The same code for both transports (http-routes.ts, socket.ts): each
// handler returns what to acknowledge at once (Slack waits 3 s at most) and the work to do after
// (decide, open a modal, tell the clicker why not). Only approvers with this slack_user_id act;
// everyone else is told so, privately, and audited. What a click may choose is what the card
// offered (blocks.ts), recomputed from the request as it is now.
import { isGreenlightError } from '../../core/errors.js';
import type { ApprovalRequest, Principal, Status } from '../../core/types.js';
import { decisionFor, FILER_NOTE, findChoice, type Choice, type Given } from '../offer.js';
import { ACTION_PREFIX, OPEN_ACTION, renderCard, slackChoices } from './blocks.js';
import { USER_ID } from './config.js';
import { escapeMrkdwn } from './escape.js';
import { auditRefusal, CHANNEL, type SlackDeps } from './deps.js';
import { codeBlocker } from '../step-up.js';
import { refusalFor } from '../who-decides.js';
import { voteCountedText } from '../workflow-view.js';
import { decodeOrigin, modalFor, MODAL_CALLBACK, readSubmission } from './modals.js';
import { pendingList } from './pending.js';
import { refuse, validInteraction, type Interaction } from './payload.js';

export interface Handled {
  /** The acknowledgement's body (null: an empty acknowledgement). */
  ack: Record<string, unknown> | null;
  /** Work to do once acknowledged. */
  after?: () => Promise<void>;
}

const REQUEST_ID = /^req_[0-9a-z]{26}$/;

type Who = { id: string; name: string | null };

const TEXT = {
  notAuthorized: 'You are not an approver on this Greenlight server, so this does nothing. Ask its admin to add your Slack member id (slack_user_id) to an approver.',
  notRouted: 'This request is not routed to you: another approver decides it.',
  unknown: 'This request does not exist on this Greenlight server (any more).',
  notOffered: 'This request does not offer that from Slack (any more). Open it on the dashboard.',
  failed: (why: string) => `That did not work: ${why}`,
};

export function alreadyDecidedText(status: Status | string, who: string | null, via: string | null): string {
  if (status === 'expired') return 'This request has expired: nothing is left to decide.';
  if (status === 'cancelled') return 'The agent cancelled this request: nothing is left to decide.';
  return `Already ${status} by ${who ?? 'someone'} via ${via ?? '—'}: nothing is left to decide.`;
}

export function createInbound(deps: SlackDeps) {
  const { ctx, api } = deps;
  const { logger } = ctx;

  /** Tells one person something only they see, where they acted (best effort). Escaped: a gate message may quote agent text. */
  const whisper = async (channel: string | null, user: string, text: string): Promise<void> => {
    if (!channel) return;
    await api.postEphemeral({ channel, user, text: escapeMrkdwn(text) }).catch((err: unknown) => logger.warn('slack: could not send an ephemeral message', { err: (err as Error).message }));
  };

  /** Who acts on which request, or why they may not (already said to them and audited). */
  async function actor(who: Who, channel: string | null, what: string, requestId: string): Promise<{ principal: Principal; request: ApprovalRequest } | null> {
    const principal = ctx.principalFor({ slack_user_id: who.id });
    const request = REQUEST_ID.test(requestId) ? await ctx.store.getRequest(requestId) : null;
    if (!principal) {
      await auditRefusal(deps, who, channel, what, 'not_an_approver', request?.id ?? null);
      await whisper(channel, who.id, TEXT.notAuthorized);
      return null;
    }
    if (!request) return void (await whisper(channel, who.id, TEXT.unknown)), null;
    const refused = refusalFor(ctx, principal, request);
    if (refused) {
      await auditRefusal(deps, who, channel, what, refused, request.id);
      await whisper(channel, who.id, refused === 'filer' ? FILER_NOTE : TEXT.notRouted);
      return null;
    }
    if (request.status !== 'pending' || request.expires_at <= ctx.clock.now()) {
      await whisper(channel, who.id, alreadyDecidedText(request.status === 'pending' ? 'expired' : request.status, request.decision?.decided_by ?? null, request.decision?.via ?? null));
      return null;
    }
    return { principal, request };
  }

  /** The choice as the card offers it now, or null (and the approver is told). */
  async function offered(request: ApprovalRequest, id: string, who: Who, channel: string | null): Promise<Choice | null> {
    // As the approver saw it: the masked copy (src/secrets/); the decision is made on the stored request.
    const shown = ctx.secrets.shown(request);
    const { truncated } = renderCard(shown, ctx);
    const choice = findChoice({ choices: slackChoices(shown, truncated), truncated, filer: false, stepUp: false }, id);
    if (!choice) {
      await auditRefusal(deps, who, channel, `${ACTION_PREFIX}${id}`, 'not_offered', request.id);
      await whisper(channel, who.id, TEXT.notOffered);
    }
    return choice;
  }

  async function decide(principal: Principal, request: ApprovalRequest, choice: Choice, given: Given, who: Who, channel: string | null): Promise<void> {
    const d = decisionFor(request, choice, given);
    if (!d.ok) return whisper(channel, who.id, TEXT.failed(d.error));
    try {
      const decided = await ctx.gate.decide(principal, request.id, d.input, CHANNEL);
      ctx.metrics.inc('greenlight_slack_decisions_total', { choice: choice.kind });
      // A vote that leaves a workflow pending: the card is refreshed for everyone; the voter hears it counted.
      const counted = voteCountedText(decided);
      if (counted) await whisper(channel, who.id, counted);
    } catch (err) {
      return explain(err, request, d.input.outcome, who, channel);
    }
  }

  /** Tells the approver why the gate refused a decision (and audits refusals of who may decide). */
  async function explain(err: unknown, request: ApprovalRequest, outcome: string, who: Who, channel: string | null): Promise<void> {
    if (!isGreenlightError(err)) throw err;
    if (err.code === 'ALREADY_VOTED') return whisper(channel, who.id, `${err.message} Your vote was not counted again.`);
    if (err.code === 'ALREADY_DECIDED') {
      const x = err.details ?? {};
      return whisper(channel, who.id, alreadyDecidedText(String(x.status ?? 'decided'), x.decided_by ? String(x.decided_by) : null, x.via ? String(x.via) : null));
    }
    if (err.code === 'NOT_ROUTED_TO_YOU' || err.code === 'FORBIDDEN' || err.code === 'FILER_CANNOT_DECIDE') {
      await auditRefusal(deps, who, channel, `decide:${outcome}`, err.code, request.id);
      return whisper(channel, who.id, err.code === 'FILER_CANNOT_DECIDE' ? FILER_NOTE : TEXT.notRouted);
    }
    if (err.status < 500) return whisper(channel, who.id, TEXT.failed(err.message));
    throw err;
  }

  async function click(i: Extract<Interaction, { type: 'block_actions' }>): Promise<void> {
    const { action, user: who, channel } = i;
    if (action.action_id === OPEN_ACTION || !action.action_id.startsWith(ACTION_PREFIX)) return; // a link, or not ours
    const found = await actor(who, channel, action.action_id, action.value);
    if (!found) return;
    const choice = await offered(found.request, action.action_id.slice(ACTION_PREFIX.length), who, channel);
    if (!choice) return;
    if (!choice.input) return decide(found.principal, found.request, choice, {}, who, channel);
    if (choice.input.kind === 'code') {
      const blocked = await codeBlocker(ctx, found.principal);
      if (blocked) return whisper(channel, who.id, escapeMrkdwn(blocked));
    }
    const view = modalFor(ctx.secrets.shown(found.request), choice, { requestId: found.request.id, choice: choice.id, channel, ts: i.messageTs });
    if (view) await api.openView(i.triggerId, view);
  }

  async function submit(i: Extract<Interaction, { type: 'view_submission' }>): Promise<Handled> {
    const origin = decodeOrigin(i.privateMetadata);
    if (i.callbackId !== MODAL_CALLBACK || !origin) return { ack: null };
    const channel = origin.channel;
    const found = await actor(i.user, channel, `${ACTION_PREFIX}${origin.choice}`, origin.requestId);
    if (!found) return { ack: null };
    const choice = await offered(found.request, origin.choice, i.user, channel);
    if (!choice) return { ack: null };
    const sub = readSubmission(found.request, choice, i.values);
    if (!sub.ok) return { ack: { response_action: 'errors', errors: sub.errors } };
    if (choice.input?.kind === 'code') return decideWithCode(found.principal, found.request, choice, sub.given, i.user, channel);
    return { ack: null, after: () => decide(found.principal, found.request, choice, sub.given, i.user, channel) };
  }

  /**
   * Step-up: decided before the modal closes, so a wrong, used or locked-out code is said under the
   * code box (the modal stays open) rather than in a message after it.
   */
  async function decideWithCode(principal: Principal, request: ApprovalRequest, choice: Choice, given: Given, who: Who, channel: string | null): Promise<Handled> {
    const d = decisionFor(request, choice, given);
    if (!d.ok) return { ack: { response_action: 'errors', errors: { code: d.error.slice(0, 150) } } };
    try {
      const decided = await ctx.gate.decide(principal, request.id, d.input, CHANNEL);
      ctx.metrics.inc('greenlight_slack_decisions_total', { choice: choice.kind });
      const counted = voteCountedText(decided);
      return counted ? { ack: null, after: () => whisper(channel, who.id, counted) } : { ack: null };
    } catch (err) {
      if (isGreenlightError(err) && err.code.startsWith('STEP_UP_')) return { ack: { response_action: 'errors', errors: { code: err.message.slice(0, 150) } } };
      return { ack: null, after: () => explain(err, request, d.input.outcome, who, channel) };
    }
  }

  return {
    /** One interaction payload (already authenticated by its transport). Throws GreenlightError on a malformed one. */
    async interaction(raw: unknown): Promise<Handled> {
      const i = validInteraction(raw);
      deps.inbound.ok();
      ctx.metrics.inc('greenlight_slack_interactions_total', { type: i.type });
      if (i.type === 'block_actions') return { ack: null, after: () => click(i) };
      if (i.type === 'view_submission') return submit(i);
      return { ack: null };
    },

    /** One slash command (form fields). */
    async command(fields: Record<string, string>): Promise<Handled> {
      const user = fields.user_id ?? '';
      if (!USER_ID.test(user) || typeof fields.command !== 'string') refuse('A slash command carries command and user_id.');
      deps.inbound.ok();
      const who = { id: user, name: fields.user_name ?? null };
      const channel = fields.channel_id ?? null;
      const principal = ctx.principalFor({ slack_user_id: user });
      if (!principal) {
        await auditRefusal(deps, who, channel, `${fields.command} ${(fields.text ?? '').slice(0, 50)}`, 'not_an_approver', null);
        return { ack: { response_type: 'ephemeral', text: TEXT.notAuthorized } };
      }
      const word = (fields.text ?? '').trim().toLowerCase();
      if (word === '' || word === 'pending') return { ack: await pendingList(deps, principal) };
      return { ack: { response_type: 'ephemeral', text: escapeMrkdwn(`Usage: ${fields.command.slice(0, 40)} pending — what waits for you to decide.`) } };
    },
  };
}

export type Inbound = ReturnType<typeof createInbound>;
