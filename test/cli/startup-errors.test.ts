// Mistakes a user can make when starting Greenlight get one clear line that says what to change —
// never a Node stack trace. Each case runs the real CLI.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, type CliResult } from './cli-helpers.js';
import { freeLoopbackPort } from '../helpers/net.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-startup-'));
let busy: Server;
let busyPort = 0;
before(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  busyPort = (busy.address() as { port: number }).port;
});
after(async () => {
  await new Promise((r) => busy.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** Exit code `code`, and stderr one line (plus an optional indented list) with no stack frame. */
function assertOneLine(r: CliResult, code: number, ...patterns: RegExp[]): void {
  const shown = `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  assert.equal(r.code, code, shown);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `a stack trace:\n${shown}`);
  assert.doesNotMatch(r.stderr, /\b(Error|TypeError|SqliteError):/, shown);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines[0].startsWith('greenlight '), shown);
  assert.ok(lines.slice(1).every((l) => l.startsWith('  ')), `one line (plus an indented list):\n${shown}`);
  for (const p of patterns) assert.match(r.stderr, p, shown);
}

const data = (name: string) => join(dir, name);

describe('start-up mistakes get one clear line', { timeout: 120_000 }, () => {
  it('a busy port names the port and how to change it', async () => {
    const r = await runCli(['serve', '--port', String(busyPort), '--data-dir', data('busy')]);
    assertOneLine(r, 1, new RegExp(`port ${busyPort} on 127\\.0\\.0\\.1 is already in use`), /--port or GREENLIGHT_PORT/);
  });

  it('an address this machine does not have names --host', async () => {
    const r = await runCli(['serve', '--port', '0', '--host', '192.0.2.1', '--data-dir', data('host')]);
    assertOneLine(r, 1, /cannot listen on 192\.0\.2\.1: no network interface/, /--host or GREENLIGHT_HOST/);
  });

  it('a data directory that cannot be created names --data-dir', async () => {
    writeFileSync(data('a-file'), '');
    const r = await runCli(['serve', '--port', '0', '--data-dir', join(data('a-file'), 'data')]);
    assertOneLine(r, 1, /cannot create the data directory .*a-file\/data: part of that path is a file/, /--data-dir or GREENLIGHT_DATA_DIR/);
    const denied = await runCli(['serve', '--port', '0', '--data-dir', '/sys/greenlight-data']);
    assertOneLine(denied, 1, /cannot create the data directory \/sys\/greenlight-data: (permission denied|the file system is read-only)/, /--data-dir or GREENLIGHT_DATA_DIR/);
  });

  it('a file that is not a SQLite database says so and what to do', async () => {
    mkdirSync(data('corrupt'));
    writeFileSync(join(data('corrupt'), 'greenlight.db'), Buffer.alloc(8192, 'not a database '));
    for (const args of [['serve', '--port', '0'], ['keys', 'list'], ['audit', 'verify']]) {
      const r = await runCli([...args, '--data-dir', data('corrupt')]);
      assertOneLine(r, 1, /greenlight\.db is not a usable SQLite database \(SQLite: file is not a database\)/, /--sqlite-path/, /move this file aside/);
    }
  });

  it('a database path that is a directory names --sqlite-path', async () => {
    mkdirSync(join(data('isdir'), 'greenlight.db'), { recursive: true });
    const r = await runCli(['serve', '--port', '0', '--data-dir', data('isdir')]);
    assertOneLine(r, 1, /greenlight\.db is a directory/, /--sqlite-path/);
  });

  it('a database from a newer Greenlight says to upgrade', async () => {
    const created = await runCli(['keys', 'create', '--role', 'agent', '--name', 'a', '--data-dir', data('newer')]);
    assert.equal(created.code, 0, created.stderr);
    const db = new Database(join(data('newer'), 'greenlight.db'));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('from the future');
    db.close();
    const r = await runCli(['serve', '--port', '0', '--data-dir', data('newer')]);
    assertOneLine(r, 1, /schema version 999, newer than this Greenlight knows/, /upgrade Greenlight/);
  });

  it('a PostgreSQL nobody listens on names the address and --database-url, without the password', async () => {
    const port = await freeLoopbackPort();
    const url = `postgres://gl:secret-pw-123@127.0.0.1:${port}/greenlight`;
    for (const args of [['serve', '--port', '0'], ['keys', 'list'], ['db', 'status'], ['db', 'migrate'], ['audit', 'verify']]) {
      const r = await runCli([...args, '--data-dir', data('pg')], { env: { GREENLIGHT_DATABASE_URL: url } });
      assertOneLine(r, 1, new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused`), /--database-url or GREENLIGHT_DATABASE_URL/);
      assert.doesNotMatch(r.stderr + r.stdout, /secret-pw-123/, args.join(' '));
    }
  });

  it('a missing or broken config file, and a broken channel section, exit 2 with what to fix', async () => {
    assertOneLine(await runCli(['serve', '--config', data('missing.yaml')]), 2, /Cannot read the config file .*missing\.yaml/, /--config or GREENLIGHT_CONFIG/);
    writeFileSync(data('broken.yaml'), 'server: [\n  port: 1');
    const yaml = await runCli(['serve', '--config', data('broken.yaml')]);
    assert.equal(yaml.code, 2, yaml.stderr);
    assert.match(yaml.stderr, /^greenlight serve: .*broken\.yaml is not valid YAML/);
    assert.doesNotMatch(yaml.stderr, /^\s+at /m);
    writeFileSync(data('email.yaml'), 'channels:\n  email:\n    smtp: typo\n');
    assertOneLine(await runCli(['serve', '--port', '0', '--data-dir', data('email'), '--config', data('email.yaml')]), 2, /The email channel's config is not valid/, /channels\.email\.smtp_url/);
    writeFileSync(data('telegram.yaml'), 'channels:\n  telegram:\n    chats: []\n');
    assertOneLine(await runCli(['serve', '--port', '0', '--data-dir', data('telegram'), '--config', data('telegram.yaml')]), 2, /The Telegram channel is not configured correctly/, /bot_token/);
  });
});
