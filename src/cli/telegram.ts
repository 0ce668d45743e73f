// `greenlight telegram setup-webhook | delete-webhook`: registers (or removes) the Telegram webhook
// for the configured bot, straight with the Bot API; the server need not run.
import { ConfigError, type LoadedConfig } from '../config/load.js';
import { createBot, startupProblem, toDeliveryError } from '../channels/telegram/api.js';
import { parseTelegramSettings, webhookUrlOf } from '../channels/telegram/config.js';
import { ALLOWED_UPDATES } from '../channels/telegram/routes.js';
import type { Command } from './commands.js';
import { configHelp, parseWithConfig } from './config-flags.js';
import { processIo, type Io } from './io.js';
import { cli } from '../invocation.js';

const USAGE = `Usage:
  ${cli('telegram setup-webhook')} [--url URL] [--drop-pending-updates]
  ${cli('telegram delete-webhook')} [--drop-pending-updates]

setup-webhook tells Telegram to POST the bot's updates to URL (default: channels.telegram.webhook.url,
else <server.public_url>/v1/telegram/webhook) with channels.telegram.webhook.secret_token, which the
server checks on every update. Use it with channels.telegram.mode: webhook; in polling mode the server
removes the webhook when it starts. delete-webhook goes back to polling.

Exit codes: 0 done, 1 Telegram refused or could not be reached, 2 usage or config error.
`;


export async function runTelegram(args: string[], io: Io = processIo): Promise<number> {
  const [sub, ...rest] = args;
  const help = () => `${USAGE}\nOptions:\n  --url URL                 where Telegram sends updates (setup-webhook)\n  --drop-pending-updates    discard updates Telegram holds for the bot\n${configHelp()}\n`;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub ? io.out : io.err)(help());
    return sub ? 0 : 2;
  }
  if (sub !== 'setup-webhook' && sub !== 'delete-webhook') {
    io.err(`greenlight telegram: unknown subcommand "${sub}"; use setup-webhook or delete-webhook.\n\n${USAGE}`);
    return 2;
  }
  let parsed;
  let loaded: LoadedConfig;
  try {
    parsed = parseWithConfig(rest, { url: { type: 'string' }, 'drop-pending-updates': { type: 'boolean' } });
    if (parsed.values.help) {
      io.out(help());
      return 0;
    }
    loaded = parsed.load();
  } catch (err) {
    io.err(`greenlight telegram ${sub}: ${(err as Error).message}\n`);
    return 2;
  }
  let settings;
  try {
    settings = parseTelegramSettings(loaded.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`greenlight telegram ${sub}: ${err.message}\n`);
    return 2;
  }
  if (!settings) {
    io.err(`greenlight telegram ${sub}: the config${loaded.file ? ` in ${loaded.file}` : ''} has no channels.telegram section. Add one with bot_token (from @BotFather) first.\n`);
    return 2;
  }
  const drop = parsed.values['drop-pending-updates'] === true;
  const bot = createBot(settings);
  try {
    await bot.init();
  } catch (err) {
    io.err(`greenlight telegram ${sub}: ${startupProblem(err, settings.api_root).message}\n`);
    return 1;
  }
  const name = `@${bot.botInfo.username}`;
  try {
    if (sub === 'delete-webhook') {
      await bot.api.deleteWebhook({ drop_pending_updates: drop });
      io.out(`Deleted the webhook of ${name}. Updates wait for a polling server now (channels.telegram.mode: polling).\n`);
      return 0;
    }
    const secret = settings.webhook.secret_token;
    if (!secret) {
      io.err(`greenlight telegram setup-webhook: set channels.telegram.webhook.secret_token first (16+ random letters and digits): the server refuses webhook updates without it.\n`);
      return 2;
    }
    const given = parsed.values.url as string | undefined;
    const publicUrl = loaded.config.server.public_url;
    if (!given && !settings.webhook.url && !publicUrl) {
      io.err(`greenlight telegram setup-webhook: no URL: pass --url https://…/v1/telegram/webhook, or set channels.telegram.webhook.url or server.public_url.\n`);
      return 2;
    }
    if (given && !/^https?:\/\/\S+$/.test(given)) {
      io.err(`greenlight telegram setup-webhook: --url must be an http(s) URL; got ${JSON.stringify(given)}.\n`);
      return 2;
    }
    const url = given ?? webhookUrlOf(settings, publicUrl ?? '');
    await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES as never, drop_pending_updates: drop });
    io.out(`Telegram now sends the updates of ${name} to ${url}.\n`);
    if (settings.mode !== 'webhook') io.out(`Note: channels.telegram.mode is ${settings.mode}; a polling server deletes this webhook when it starts. Set mode: webhook.\n`);
    return 0;
  } catch (err) {
    io.err(`greenlight telegram ${sub}: ${toDeliveryError(err, sub === 'delete-webhook' ? 'deleteWebhook' : 'setWebhook').message}\n`);
    return 1;
  }
}

export const telegramCommand: Command = {
  summary: 'set up or delete the Telegram webhook (setup-webhook | delete-webhook)',
  run: (args) => runTelegram(args),
};
