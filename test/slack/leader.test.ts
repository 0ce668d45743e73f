// Socket Mode on several instances (PostgreSQL): Slack spreads envelopes over every open connection
// of an app, so only the cluster's leader connects. Two real servers on one database: one socket
// to the fake, held by the leader; a click over it decides a request a waiting agent filed on the
// other instance; when the leader stops, the other instance connects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSlackChannelFactory } from '../../src/channels/slack/slack-channel.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { FakeSlack } from './fake-slack.js';
import { ALICE, APPROVALS, bash, rigConfig, until } from './rig.js';

describe('slack: Socket Mode runs on the leader only', { timeout: 120_000 }, () => {
  let pg: TestPostgres;
  let slack: FakeSlack;
  const servers: TestServer[] = [];
  before(async () => {
    pg = await startPostgres();
    slack = await FakeSlack.start();
    slack.channels.set(APPROVALS, { member: true });
    const url = await pg.createDatabase('slack_leader');
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ ...rigConfig(slack, 'socket'), store: { kind: 'postgres', url } }, { channels: [createSlackChannelFactory({ socket: { backoffMs: () => 50 } })] }));
  });
  after(async () => {
    for (const s of servers) await s.stop().catch(() => undefined);
    await slack?.close();
    await pg?.stop();
  });

  it('one connection, from the leader; a click over it reaches an agent waiting on the other instance; the next leader reconnects', async () => {
    await until('a Socket Mode connection', () => slack.sockets.size === 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(slack.socketsOpened, 1, 'the second instance did not connect');
    assert.equal(slack.callsOf('apps.connections.open').length, 1);
    const leader = servers.find((s) => s.cluster.leader.isLeader())!;
    const other = servers.find((s) => s !== leader)!;
    assert.ok(leader && other);

    const res = await other.call('agent', 'POST', '/v1/requests', bash('kubectl scale deploy/web --replicas=0'));
    const id = res.body.id as string;
    const waiting = other.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
    const card = await until('the card', () => slack.cardOf(id, APPROVALS));
    await slack.click(ALICE, card, 'gl:approve', 'socket');
    const done = await waiting;
    assert.equal(done.body.status, 'approved');
    assert.equal(done.body.decision.via, 'slack');

    await leader.stop();
    servers.splice(servers.indexOf(leader), 1);
    await until('the next leader\'s connection', () => slack.socketsOpened === 2 && slack.sockets.size === 1, 15_000);
    assert.ok(other.cluster.leader.isLeader());
  });
});
