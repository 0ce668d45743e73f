// The command table loads each command's module only when it runs, and repeats its summary for
// `help`: the two must not drift apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from './commands.js';

describe('the command table', () => {
  it("gives every command its own module's summary", async () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      if (name === 'version') continue;
      const file = name === 'uninstall' ? 'install' : name;
      const module = (await import(`./${file}.js`)) as Record<string, { summary?: string }>;
      const own = module[`${name}Command`];
      assert.ok(own, `./${file}.js exports ${name}Command`);
      assert.equal(command.summary, own.summary, name);
    }
  });
});
