// The built-in channels, and the context every channel gets.
import { approverMayDecide } from '../core/authz.js';
import { createSecretMasker, type SecretMasker } from '../secrets/masker.js';
import type { Principal } from '../core/types.js';
import type { Channel, ChannelContext, ChannelFactory } from './channel.js';
import type { Config } from '../config/schema.js';
import { alwaysLeader, type Leadership } from '../cluster/cluster.js';
import { webChannel } from '../web/web-channel.js';

/**
 * The built-in channel factories this config needs; each returns null when its config section is
 * absent. Telegram, email, ntfy, Discord and Slack load their modules (grammY, nodemailer, the Slack SDK, ...) only when configured.
 */
export async function loadChannelFactories(config: Pick<Config, 'channels'>): Promise<ChannelFactory[]> {
  const factories: ChannelFactory[] = [];
  if (config.channels.telegram !== undefined) factories.push((await import('./telegram/telegram-channel.js')).telegramChannelFactory);
  if (config.channels.email !== undefined) factories.push((await import('./email/email-channel.js')).emailChannelFactory);
  if (config.channels.ntfy !== undefined) factories.push((await import('./ntfy/ntfy-channel.js')).ntfyChannelFactory);
  if (config.channels.discord !== undefined) factories.push((await import('./discord/discord-channel.js')).discordChannelFactory);
  if (config.channels.slack !== undefined) factories.push((await import('./slack/slack-channel.js')).slackChannelFactory);
  factories.push(webChannel);
  return factories;
}

export function buildChannels(ctx: ChannelContext, factories: ChannelFactory[]): Channel[] {
  const channels: Channel[] = [];
  for (const factory of factories) {
    const channel = factory(ctx);
    if (channel) channels.push(channel);
  }
  return channels;
}

export function createChannelContext(deps: Omit<ChannelContext, 'approversFor' | 'principalFor' | 'publicUrl' | 'leader' | 'secrets'> & { publicUrl: () => string; leader?: Leadership; secrets?: SecretMasker }): ChannelContext {
  const { config } = deps;
  const secrets = deps.secrets ?? createSecretMasker(config.secrets);
  const leader = deps.leader ?? alwaysLeader(deps.logger);
  const routing = { projects: config.projects, approvers: config.approvers };
  return {
    ...deps,
    secrets,
    leader,
    get publicUrl() {
      return deps.publicUrl();
    },
    approversFor(request) {
      // Nobody decides a request filed under their own name, so nobody is asked to.
      return config.approvers
        .filter((a) => a.name !== request.agent && approverMayDecide(a.name, request.project, routing))
        .map((a) => ({ name: a.name, telegram_user_id: a.telegram_user_id, email: a.email, slack_user_id: a.slack_user_id, discord_user_id: a.discord_user_id }));
    },
    principalFor(identity): Principal | null {
      const match = config.approvers.find(
        (a) =>
          (identity.telegram_user_id !== undefined && a.telegram_user_id === identity.telegram_user_id) ||
          (identity.email !== undefined && a.email !== undefined && a.email.toLowerCase() === identity.email.toLowerCase()) ||
          (identity.slack_user_id !== undefined && a.slack_user_id === identity.slack_user_id) ||
          (identity.discord_user_id !== undefined && a.discord_user_id === identity.discord_user_id) ||
          (identity.name !== undefined && a.name === identity.name),
      );
      if (match) return { keyId: `approver:${match.name}`, role: 'approver', name: match.name, projects: match.projects };
      const admin = config.admins.find(
        (a) =>
          (identity.telegram_user_id !== undefined && a.telegram_user_id === identity.telegram_user_id) ||
          (identity.email !== undefined && a.email !== undefined && a.email.toLowerCase() === identity.email.toLowerCase()) ||
          (identity.name !== undefined && a.name === identity.name),
      );
      return admin ? { keyId: `admin:${admin.name}`, role: 'admin', name: admin.name, projects: [] } : null;
    },
  };
}
