// `greenlight slack manifest`: prints the Slack app manifest (JSON) to paste into "Create New App →
// From a manifest": the bot scopes the channel needs and no more, the /greenlight command,
// interactivity, and Socket Mode or, in http mode, the request URLs on this server's public URL.
// Mode and URL come from flags, else from the config (channels.slack.mode, server.public_url).
import { slackManifest } from '../channels/slack/manifest.js';
import type { Command } from './commands.js';
import { configHelp, parseWithConfig } from './config-flags.js';
import { processIo, type Io } from './io.js';
import { cli } from '../invocation.js';

const USAGE = `Usage:
  ${cli('slack manifest')} [--mode socket|http] [--url https://greenlight.example.com] [--name NAME]

Prints the app manifest to create the Slack app from (api.slack.com/apps → Create New App → From a
manifest → JSON). socket (the default) needs no public URL; http points Slack's interactivity and
slash command at <url>/v1/slack/interactions and <url>/v1/slack/commands. See docs/channels/slack.md.

Exit codes: 0 printed, 2 usage or config error.
`;


export async function runSlack(args: string[], io: Io = processIo): Promise<number> {
  const [sub, ...rest] = args;
  const help = () => `${USAGE}\nOptions:\n  --mode socket|http   how Slack reaches Greenlight (default: channels.slack.mode, else socket)\n  --url URL            the server's public URL, for http mode (default: server.public_url)\n  --name NAME          the app's name in Slack (default: Greenlight)\n${configHelp()}\n`;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub ? io.out : io.err)(help());
    return sub ? 0 : 2;
  }
  if (sub !== 'manifest') {
    io.err(`greenlight slack: unknown subcommand "${sub}"; use manifest.\n\n${USAGE}`);
    return 2;
  }
  try {
    const parsed = parseWithConfig(rest, { mode: { type: 'string' }, url: { type: 'string' }, name: { type: 'string' } });
    if (parsed.values.help) {
      io.out(help());
      return 0;
    }
    const { config } = parsed.load();
    const section = (config.channels.slack ?? {}) as { mode?: unknown };
    const mode = (parsed.values.mode as string | undefined) ?? (section.mode === 'http' ? 'http' : 'socket');
    if (mode !== 'socket' && mode !== 'http') throw new Error(`--mode is socket or http, not ${JSON.stringify(mode)}`);
    const url = (parsed.values.url as string | undefined) ?? config.server.public_url ?? undefined;
    if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) throw new Error(`--url must be an http(s) URL; got ${JSON.stringify(url)}`);
    if (mode === 'http' && url?.startsWith('http://')) io.err('Note: Slack calls request URLs over HTTPS only; put Greenlight behind TLS.\n');
    const name = parsed.values.name as string | undefined;
    io.out(`${JSON.stringify(slackManifest({ mode, publicUrl: url, name }), null, 2)}\n`);
    return 0;
  } catch (err) {
    io.err(`greenlight slack manifest: ${(err as Error).message}\n`);
    return 2;
  }
}

export const slackCommand: Command = {
  summary: 'print the Slack app manifest with the scopes Greenlight needs (manifest)',
  run: (args) => runSlack(args),
};
