// The Slack app manifest for Greenlight (api.slack.com/apps → Create New App → From a manifest):
// exactly the bot scopes the channel uses — chat:write (post and edit cards, ephemeral replies,
// direct messages through the app's Messages tab), commands (/greenlight), files:write (the whole
// request in a cut card's thread) — the slash command, interactivity, and Socket Mode or the two
// request URLs of http mode. Nothing reads messages or channel lists. Pure.

/** The bot scopes, and nothing more. */
export const BOT_SCOPES = ['chat:write', 'commands', 'files:write'] as const;

export interface ManifestOptions {
  mode: 'socket' | 'http';
  /** http mode: the server's public URL (its /v1/slack/* paths are added). */
  publicUrl?: string;
  name?: string;
}

export function slackManifest(o: ManifestOptions): Record<string, unknown> {
  const name = (o.name ?? 'Greenlight').slice(0, 35);
  const base = o.publicUrl?.replace(/\/+$/, '');
  if (o.mode === 'http' && !base) throw new Error('http mode needs the server\'s public URL (https://…) for the request URLs');
  const url = (path: string) => (o.mode === 'http' ? { url: `${base}${path}` } : {});
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: { name, description: 'Approve, deny or answer what AI agents ask to do.', background_color: '#1f6f43' },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: name, always_online: true },
      slash_commands: [{ command: '/greenlight', description: 'List the requests waiting for you', usage_hint: 'pending', should_escape: true, ...url('/v1/slack/commands') }],
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      interactivity: { is_enabled: true, ...(o.mode === 'http' ? { request_url: `${base}/v1/slack/interactions` } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: o.mode === 'socket',
      token_rotation_enabled: false,
    },
  };
}
