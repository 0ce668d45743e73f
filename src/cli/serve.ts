// `greenlight serve`: load the config, start the server, print where it runs; on SIGTERM / SIGINT
// shut down gracefully within server.shutdown_grace_sec (a second signal exits at once). Mistakes
// a user can make at start-up (a busy port, an unwritable data directory, a broken config) print
// one line that says what to change, never a stack trace.
import { ConfigError } from '../config/load.js';
import { limitYoungGeneration } from '../heap-sizing.js';
import { cli } from '../invocation.js';
import { startServer, type RunningServer } from '../server.js';
import { StartupError } from '../startup-error.js';
import type { Command } from './commands.js';
import { configHelp, parseWithConfig } from './config-flags.js';

/** How long past the grace period the process waits for close() before it exits anyway. */
const EXIT_MARGIN_MS = 2_000;

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
    const graceSec = loaded.config.server.shutdown_grace_sec;

    const starting = startServer(loaded.config, {
      configFile: loaded.file,
      onFirstRunKey: (key, url) => {
        process.stdout.write(
          `\nGreenlight is running at ${url}\n\nFirst run: created an admin key. It is shown once; store it now:\n\n    ${key.secret}\n\n` +
            `Use it as "Authorization: Bearer <key>". Create agent and approver keys with:\n    ${cli('keys create --role agent --name my-agent')}\n    ${cli('keys create --role approver --name alice')}\n\n`,
        );
      },
    });

    // Handlers go in before the server starts, so a signal during start-up is a clean stop too.
    let stopping = false;
    const stop = async (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`${signal} again: exiting without waiting.\n`);
        process.exit(1);
      }
      stopping = true;
      process.stdout.write(`\n${signal}: shutting down (waiters are answered; at most ${graceSec} s)\n`);
      setTimeout(() => {
        process.stderr.write(`greenlight serve: shutdown did not finish within ${graceSec} s (server.shutdown_grace_sec); exiting anyway.\n`);
        process.exit(1);
      }, graceSec * 1000 + EXIT_MARGIN_MS).unref();
      const server = await starting.catch(() => null);
      await server?.close();
      process.stdout.write('Greenlight stopped.\n');
      process.exit(0);
    };
    process.on('SIGINT', (s) => void stop(s));
    process.on('SIGTERM', (s) => void stop(s));

    let server: RunningServer;
    try {
      server = await starting;
    } catch (err) {
      if (!(err instanceof StartupError || err instanceof ConfigError)) throw err;
      process.stderr.write(`greenlight serve: ${err.message}\n`);
      return err instanceof ConfigError ? 2 : 1;
    }
    if (!server.firstRunKey) process.stdout.write(`Greenlight is running at ${server.url}\n`);
    limitYoungGeneration();
    await new Promise(() => {});
  },
};
