import { ConfigError } from '../config/load.js';
import { startServer } from '../server.js';
import type { Command } from './commands.js';
import { configHelp, parseWithConfig } from './config-flags.js';
import { cli } from '../invocation.js';

export const serveCommand: Command = {
  summary: 'start the server (SQLite under ./data unless configured)',
  async run(args) {
    let parsed;
    try {
      parsed = parseWithConfig(args);
    } catch (err) {
      process.stderr.write(`greenlight serve: ${(err as Error).message}\n\nOptions:\n${configHelp()}\n`);
      return 2;
    }
    if (parsed.values.help) {
      process.stdout.write(`Usage: ${cli('serve')} [options]\n\nOptions:\n${configHelp()}\n`);
      return 0;
    }
    let loaded;
    try {
      loaded = parsed.load();
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`greenlight serve: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const server = await startServer(loaded.config, {
      configFile: loaded.file,
      onFirstRunKey: (key, url) => {
        process.stdout.write(
          `\nGreenlight is running at ${url}\n\nFirst run: created an admin key. It is shown once; store it now:\n\n    ${key.secret}\n\n` +
            `Use it as "Authorization: Bearer <key>". Create agent and approver keys with:\n    ${cli('keys create --role agent --name my-agent')}\n    ${cli('keys create --role approver --name alice')}\n\n`,
        );
      },
    });
    if (!server.firstRunKey) process.stdout.write(`Greenlight is running at ${server.url}\n`);
    const shutdown = async (signal: string) => {
      process.stdout.write(`\n${signal}: shutting down\n`);
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    await new Promise(() => {});
  },
};
