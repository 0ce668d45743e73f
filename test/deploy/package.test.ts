// What a stranger gets: the `npm pack` tarball, installed into an empty directory that knows
// nothing of this repository, runs `greenlight --version` and `npx greenlight serve` with no
// config; the container image's file tree (scripts/app-tree.js, which the Dockerfile runs too) is
// started the way the image's ENTRYPOINT, ENV, USER, WORKDIR and HEALTHCHECK say, with a mounted
// YAML config, answers a full approval round trip, and stops cleanly on SIGTERM through tini; the
// systemd unit verifies against the installed command.
//
// Both installs use npm's cache (`npm ci` filled it) and skip install scripts: the one dependency
// that has a needed one, better-sqlite3, gets the addon `npm ci` compiled for this Node and this
// version (a stranger's install downloads the same from better-sqlite3's releases, which this
// machine cannot reach). `npm pack` runs with --ignore-scripts too: its prepack would rebuild
// dist/ under the other test files that run meanwhile; `npm test` built it just now.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, cleanEnv } from '../cli/cli-helpers.js';
import { freeLoopbackPort } from '../helpers/net.js';
import { eventually } from '../telegram/emulator.js';
import { readImageSpec, type ImageSpec } from './dockerfile.js';
import { approvalRoundTrip, fetchCall, type Call } from './round-trip.js';
import { run, runOk, start, systemTool, type LongRunning } from './tools.js';

const work = mkdtempSync(join(tmpdir(), 'greenlight-deploy-'));
chmodSync(work, 0o755); // the image's user (uid 1000) walks into it
const strangerDir = join(work, 'stranger');
const appDir = join(work, 'app');
const VERSION: string = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
const SQLITE_ADDON = join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const RUNNING = /Greenlight is running at (http:\/\/\S+)\n/;
const ADMIN_KEY = /^ {4}(glx_\S+)\n/m;
/** npm and the server see neither GREENLIGHT_* nor npm_* from `npm test`, nor its CA bundle. */
const env = (extra: Record<string, string> = {}) => {
  const e = cleanEnv(extra);
  delete e.NODE_EXTRA_CA_CERTS;
  return e;
};

let tarball = '';
let packed: string[] = [];
const running: LongRunning[] = [];

before(async () => {
  const npm = systemTool('npm', 'npm');
  const r = await runOk(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, env: env(), timeoutMs: 120_000 });
  const [info] = JSON.parse(r.stdout);
  tarball = join(work, info.filename);
  packed = info.files.map((f: { path: string }) => f.path);

  // The two installs run side by side: a stranger's `npm install <tarball>`, and the image's tree.
  mkdirSync(strangerDir);
  writeFileSync(join(strangerDir, 'package.json'), JSON.stringify({ name: 'stranger', private: true }));
  const stranger = runOk(npm, ['install', tarball, '--omit=dev', '--omit=optional', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: strangerDir, env: env(), timeoutMs: 300_000 });
  const appTree = (...args: string[]) => runOk(process.execPath, [join(REPO, 'scripts', 'app-tree.js'), ...args], { cwd: work, env: env(), timeoutMs: 300_000 });
  const image = appTree('deps', appDir, '--sqlite-addon', SQLITE_ADDON).then(() => appTree('files', tarball, appDir));
  await Promise.all([stranger, image]);
  const addon = join(strangerDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(dirname(addon), { recursive: true });
  copyFileSync(SQLITE_ADDON, addon);
});

after(() => {
  for (const p of running) p.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('packs the built server, the dashboard, the docs and the example config, and no tests, sources, maps or local data', () => {
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'bin/greenlight.js', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/client/index.js', 'dist/src/client/index.d.ts', 'dist/src/hooks/command-hook.cjs', 'web/index.html', 'dist/web-client/web/client/main.js', 'docs/deploy.md', 'greenlight.example.yaml']) {
      assert.ok(packed.includes(f), `the tarball holds ${f}`);
    }
    const unwanted = packed.filter((f) => /\.test\.|\.map$|^src\/|^test\/|^dist\/test\/|^dist\/bench\/|^bench\/|^scripts\/|^\.ci\/|^data\/|^node_modules\/|^examples\/|^Dockerfile$|^compose\.yaml$|greenlight\.yaml$|\.db$/.test(f));
    assert.deepEqual(unwanted, []);
  });
});

describe('installed from the tarball into an empty directory', { timeout: 120_000 }, () => {
  it('is a copy outside the repository, not a link into it', () => {
    const installed = realpathSync(join(strangerDir, 'node_modules', 'greenlight'));
    assert.ok(!installed.startsWith(REPO), `${installed} is inside ${REPO}`);
    assert.equal(existsSync(join(installed, 'src')), false, 'no TypeScript sources');
  });

  it('`npx greenlight --version` prints the package version', async () => {
    const r = await runOk(systemTool('npx', 'npm'), ['--offline', 'greenlight', '--version'], { cwd: strangerDir, env: env(), timeoutMs: 60_000 });
    assert.equal(r.stdout, `greenlight ${VERSION}\n`);
  });

  it('`npx greenlight serve` starts with no config: the admin key once, /health, the dashboard, Bash-aware policy; Ctrl-C stops it', async () => {
    const port = await freeLoopbackPort();
    const server = start(systemTool('npx', 'npm'), ['--offline', 'greenlight', 'serve', '--port', String(port)], { cwd: strangerDir, env: env(), detached: true });
    running.push(server);
    const [, url] = await server.waitFor(RUNNING, 60_000);
    const adminKey = ADMIN_KEY.exec(server.output())?.[1];
    assert.ok(adminKey, `the first run prints an admin key:\n${server.output()}`);
    assert.ok(existsSync(join(strangerDir, 'data', 'greenlight.db')), 'SQLite under ./data of the directory it runs in');

    const call = fetchCall(url);
    assert.equal((await call('GET', '/health', null)).status, 200);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    const script = /<script type="module" src="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(script, 'the dashboard page loads its script');
    assert.equal((await fetch(new URL(script, url))).status, 200, `the dashboard's script ${script} is in the package`);
    // Shell-aware policy needs tree-sitter's WebAssembly grammar, found from the installed package.
    const dry = await call('POST', '/v1/policy/evaluate', adminKey, { action: 'Bash(git status && rm -rf /)' });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.trace.length, 2, 'two subcommands, parsed');
    assert.equal(dry.body.dangerous, true);

    // Ctrl-C in a terminal signals the whole group: npx ends by the signal, the server cleanly.
    process.kill(-server.child.pid!, 'SIGINT');
    await server.exited;
    assert.match(server.output(), /SIGINT: shutting down[^]*Greenlight stopped\./);
  });

  it('examples/systemd/greenlight.service passes systemd-analyze verify, pointed at this install', async () => {
    const analyze = systemTool('systemd-analyze', 'systemd');
    const bin = join(strangerDir, 'node_modules', '.bin', 'greenlight');
    const unit = readFileSync(join(REPO, 'examples', 'systemd', 'greenlight.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/usr\/local\/bin\/greenlight serve$/m, 'npm install -g puts the command at /usr/local/bin/greenlight');
    const verify = async (text: string) => {
      const dir = mkdtempSync(join(work, 'unit-'));
      writeFileSync(join(dir, 'greenlight.service'), text.replaceAll('/usr/local/bin/greenlight', bin));
      return run(analyze, ['verify', '--man=no', join(dir, 'greenlight.service')], { cwd: dir, env: env(), timeoutMs: 30_000 });
    };
    const ok = await verify(unit);
    assert.deepEqual([ok.code, (ok.stdout + ok.stderr).trim()], [0, ''], 'verify passes and warns about nothing');
    // The settings shown commented out (a config file and a database URL as credentials) are valid too.
    const uncommented = await verify(unit.replace(/^#(?=[A-Z][A-Za-z]+=)/gm, ''));
    assert.deepEqual([uncommented.code, (uncommented.stdout + uncommented.stderr).trim()], [0, '']);
    // The check bites: a misspelt value is reported (systemd would ignore the line).
    const typo = await verify(unit.replace('Restart=on-failure', 'Restart=on-failur'));
    assert.match(typo.stdout + typo.stderr, /on-failur/);
  });
});

describe("the image's file tree, started as the image starts it", { timeout: 180_000 }, () => {
  let spec: ImageSpec;
  let dataDir = '';
  let configFile = '';
  let port = 0;
  let adminKey = '';
  let approved = '';
  /** As the image runs it: its user, when the tests run as root (otherwise as this user). */
  let ids: { uid?: number; gid?: number } = {};

  before(async () => {
    spec = readImageSpec();
    dataDir = join(work, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const [uid, gid] = spec.user.split(':').map(Number);
    assert.ok(uid > 0 && gid > 0, `USER ${spec.user}: a numeric, non-root user`);
    if (process.getuid?.() === 0) {
      ids = { uid, gid };
      chownSync(dataDir, uid, gid); // the image: mkdir /data && chown 1000:1000 /data
      assert.notEqual(statSync(appDir).uid, uid, 'the server does not own its own code');
    }
    // A config file mounted read-only, as docs/deploy.md shows: allow `git *`, shut down fast.
    configFile = join(work, 'greenlight.yaml');
    writeFileSync(configFile, 'server:\n  shutdown_grace_sec: 3\npolicy:\n  allow: ["Bash(git *)"]\n');
    chmodSync(configFile, 0o444);
    port = await freeLoopbackPort();
  });

  /** The image's paths on this machine: /app is appDir, /data is dataDir. */
  const local = (s: string) => s.replace(/^\/app(?=\/|$)/, appDir).replace(/^\/data(?=\/|$)/, dataDir);
  /** The container's environment: the image's ENV (port and address made local), nothing from here but PATH. */
  const imageEnv = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: dataDir };
    for (const [k, v] of Object.entries(spec.env)) e[k] = local(v);
    return { ...e, GREENLIGHT_HOST: '127.0.0.1', GREENLIGHT_PORT: String(port), GREENLIGHT_CONFIG: configFile };
  };
  const argv = () => {
    const [first, ...rest] = [...spec.entrypoint, ...spec.cmd].map((a) => (a === 'node' ? process.execPath : local(a)));
    assert.equal(first, '/usr/bin/tini', 'the image runs tini as PID 1');
    return [systemTool('tini', 'tini'), ...rest];
  };
  const boot = () => {
    const [file, ...args] = argv();
    const p = start(file, args, { cwd: local(spec.workdir), env: imageEnv(), ...ids });
    running.push(p);
    return p;
  };
  const healthcheck = () => {
    const [cmd, ...args] = spec.healthcheck.cmd;
    assert.equal(cmd, 'node');
    return run(process.execPath, args, { cwd: local(spec.workdir), env: imageEnv(), timeoutMs: 10_000, ...ids });
  };

  it('declares /data a volume, exposes the port it listens on, and probes /health', () => {
    assert.deepEqual(spec.volumes, ['/data']);
    assert.equal(spec.env.GREENLIGHT_DATA_DIR, '/data');
    assert.equal(spec.workdir, '/data');
    assert.deepEqual(spec.expose, [spec.env.GREENLIGHT_PORT]);
    assert.equal(spec.env.GREENLIGHT_HOST, '0.0.0.0', 'reachable from outside the container');
    assert.match(spec.healthcheck.cmd.join(' '), /\/health/);
  });

  it('serves with the mounted config, passes its HEALTHCHECK, runs a full approval round trip, and takes CLI commands beside it', async () => {
    const server = boot();
    const [, url] = await server.waitFor(RUNNING, 60_000);
    adminKey = ADMIN_KEY.exec(server.output())?.[1] ?? '';
    assert.ok(adminKey, `the first start prints the admin key to the log:\n${server.output()}`);
    if (ids.uid !== undefined) assert.equal(statSync(join(dataDir, 'greenlight.db')).uid, ids.uid, 'the server runs as the image user');

    assert.equal((await healthcheck()).code, 0, 'HEALTHCHECK passes');
    const call: Call = fetchCall(url);
    const dry = await call('POST', '/v1/policy/evaluate', adminKey, { action: 'Bash(git status && rm -rf /)' });
    assert.deepEqual(dry.body.trace?.map((t: { verdict: string }) => t.verdict), ['allow', 'ask'], 'the allow rule came from the mounted file');

    approved = (await approvalRoundTrip(call, adminKey, 'image')).requestId;

    // `docker exec <container> greenlight keys list`: the same environment, beside the server.
    const keys = await run(process.execPath, [local('/app/bin/greenlight.js'), 'keys', 'list', '--json'], { cwd: local(spec.workdir), env: imageEnv(), timeoutMs: 30_000, ...ids });
    assert.equal(keys.code, 0, keys.stderr);
    assert.ok(JSON.parse(keys.stdout).items.some((k: { name: string }) => k.name === 'agent-image'), keys.stdout);

    // SIGTERM (docker stop) goes to tini, which passes it on: the waiting agent is answered, and
    // the server stops within its grace period and exits 0.
    const other = await call('POST', '/v1/keys', adminKey, { role: 'agent', name: 'agent-stop' });
    const filed = await call('POST', '/v1/requests', other.body.key, { title: 'Wait through a stop', action_type: 'deploy' });
    const waiting = call('GET', `/v1/requests/${filed.body.id}/wait?timeout_sec=60`, other.body.key);
    const waiters = async () => Number(/^greenlight_waiters (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
    await eventually(async () => (await waiters()) >= 1, 'the wait to reach the server', 10_000);
    server.child.kill('SIGTERM');
    const answered = await waiting;
    assert.equal(answered.status, 503, JSON.stringify(answered.body));
    assert.equal(answered.body.error.code, 'SHUTTING_DOWN');
    const { code } = await server.exited;
    assert.equal(code, 0, server.output());
    assert.match(server.output(), /Greenlight stopped\./);
    assert.notEqual((await healthcheck()).code, 0, 'HEALTHCHECK fails once the server is gone');
  });

  it('started again on the same /data: no new admin key, and the first key and the decided request are still there', async () => {
    assert.ok(adminKey && approved, 'runs after the first start');
    const server = boot();
    const [, url] = await server.waitFor(RUNNING, 60_000);
    assert.doesNotMatch(server.output(), /First run/);
    const got = await fetchCall(url)('GET', `/v1/requests/${approved}`, adminKey);
    assert.equal(got.status, 200);
    assert.equal(got.body.status, 'approved');
    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
  });
});
