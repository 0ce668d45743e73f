// The dashboard as a channel named `web`: it serves routes and plans no outbox items (the page hears
// of requests over /v1/events). Also where other channels get one-time sign-in links.
import type { Channel, ChannelContext, ChannelFactory } from '../channels/channel.js';
import { describeBadHash } from './password.js';
import { configuredHuman, createLinkToken } from './sessions.js';
import { webConfigOf } from './web-config.js';
import { webRoutes } from './web-routes.js';

/** Fails at startup, before any listener opens, on a malformed section or password hash. */
function checkConfig(ctx: Pick<ChannelContext, 'config'>) {
  const web = webConfigOf(ctx.config);
  for (const [list, people] of [['approvers', ctx.config.approvers], ['admins', ctx.config.admins]] as const) {
    for (const p of people) {
      const bad = p.password_hash !== undefined ? describeBadHash(p.password_hash) : null;
      if (bad) throw new Error(`${list}[${p.name}].password_hash: ${bad}.`);
    }
  }
  return web;
}

export const webChannel: ChannelFactory = (ctx) => {
  const web = checkConfig(ctx);
  if (!web.enabled) return null;
  const channel: Channel = {
    name: 'web',
    plan: () => [],
    async send(item) {
      throw new Error(`the web channel has no outbox items; got ${item.id}`);
    },
    routes: () => webRoutes(web),
  };
  return channel;
};

export interface SignInLinks {
  /**
   * A one-time sign-in link for a configured approver or admin: `<public_url>/auth/link?token=…`.
   * Opening it shows a confirmation page; its button signs in once. Valid for
   * channels.web.link_ttl_sec (15 min by default). Throws when the name is not configured or the
   * dashboard is off.
   */
  createSignInLink(approverName: string): Promise<string>;
}

/** For channels (Telegram, email): `signInLinks(ctx).createSignInLink('alice')`. */
export function signInLinks(ctx: Pick<ChannelContext, 'store' | 'clock' | 'config' | 'publicUrl'>): SignInLinks {
  return {
    async createSignInLink(approverName) {
      const web = webConfigOf(ctx.config);
      if (!web.enabled) throw new Error('The dashboard is off (channels.web.enabled: false); there is nothing to sign in to.');
      const human = configuredHuman(ctx.config, approverName);
      if (!human) throw new Error(`"${approverName}" is not a configured approver or admin; sign-in links are only for them.`);
      const token = await createLinkToken(ctx.store, ctx.clock, web.link_ttl_sec, human.name, human.role);
      return `${ctx.publicUrl.replace(/\/+$/, '')}/auth/link?token=${token}`;
    },
  };
}
