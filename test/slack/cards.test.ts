// What Greenlight posts to Slack, checked exactly: the card's blocks in order (the action first in a
// code block, the agent's description labelled, why the policy asks, the facts), the Web API call's
// arguments, where cards go (routes, hints, direct messages), hostile agent text neutralised (no
// mention, link or formatting can form; invisible characters written out), and a card too long to
// show whole: cut visibly, the whole text attached in its thread, and nothing that approves offered
// — not even to a hand-made click.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fullText } from '../../src/channels/card.js';
import { assertShownVisibly, HOSTILE } from '../helpers/hostile-text.js';
import { BOT_TOKEN, type Message } from './fake-slack.js';
import { ALICE, APPROVALS, BOB, OPS, actionIds, bash, startSlackRig, until, type SlackRig } from './rig.js';

/** Every text object of a block list, with where it sits. */
function textObjects(blocks: any[]): { type: string; text: string; verbatim?: boolean; emoji?: boolean }[] {
  const out: any[] = [];
  const walk = (v: any) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    if ((v.type === 'mrkdwn' || v.type === 'plain_text') && typeof v.text === 'string') out.push(v);
    else Object.values(v).forEach(walk);
  };
  walk(blocks);
  return out;
}

/** mrkdwn text outside its ``` code blocks: where formatting, mentions and links would render. */
const outsideCode = (text: string): string => text.replace(/```\n[\s\S]*?\n```/g, '');

describe('slack: what Greenlight posts', { timeout: 120_000 }, () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig('http', { policy: { allow: ['Bash(echo auto-allowed)'] } });
  });
  after(() => rig?.stop());

  it('a card leads with the action in a code block, then the agent\'s words labelled, why, and the facts', async () => {
    const { request, card } = await rig.file(bash('kubectl rollout restart deploy/web', { preview: 'restart the web pods', cwd: '/srv/web', host: 'build-7.example', title: 'Restart web' }));
    const post = rig.slack.callsOf('chat.postMessage').find((c) => c.ok && JSON.stringify(c.args.blocks).includes(request.id))!;
    assert.equal(post.auth, `Bearer ${BOT_TOKEN}`);
    assert.equal(post.args.channel, APPROVALS);
    assert.equal(post.args.unfurl_links, 'false');
    assert.equal(post.args.unfurl_media, 'false');
    assert.equal(post.args.link_names, 'false');
    assert.equal(post.args.text, 'Approve? Restart web');
    const types = card.blocks.map((b) => b.type);
    assert.deepEqual(types, ['header', 'context', 'section', 'section', 'section', 'section', 'actions', 'context']);
    assert.deepEqual(card.blocks[0].text, { type: 'plain_text', text: 'Restart web', emoji: false });
    assert.equal(card.blocks[1].elements[0].text, '▶ The action: Bash · command');
    assert.deepEqual(card.blocks[2].text, { type: 'mrkdwn', text: '```\nkubectl rollout restart deploy/web\n```', verbatim: true });
    assert.equal(card.blocks[3].text.text, "*The agent's description* (its own words, not checked against the action)\n```\nrestart the web pods\n```");
    assert.match(card.blocks[4].text.text, /^\*Why you are asked\*\n```\n/);
    const fields = card.blocks[5].fields.map((f: { text: string }) => f.text);
    assert.ok(fields.includes('Agent\nagent-a') && fields.includes('Directory\n/srv/web') && fields.includes('Host\nbuild-7.example') && fields.includes('Priority\nnormal'), JSON.stringify(fields));
    for (const t of textObjects(card.blocks)) {
      if (t.type === 'mrkdwn') assert.equal(t.verbatim, true, 'no auto-linking, no automatic mentions');
      else assert.equal(t.emoji, false, 'no :shortcode: emoji from agent text');
    }
    const open = card.blocks[6].elements.at(-1);
    assert.deepEqual([open.action_id, open.url], ['gl:open', `${rig.srv.url}/#/r/${request.id}`]);
    assert.match(card.blocks[7].elements[0].text, new RegExp(`^Expires \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC · ${request.id}$`));
  });

  it('routes: a project\'s slack route, and an agent\'s hint only when it names one of those', async () => {
    const { request } = await rig.file(bash('systemctl restart nginx', { project: 'ops' }), OPS);
    assert.equal(rig.slack.cardOf(request.id, APPROVALS), undefined, 'the route replaces the default channel');
    const hinted = await rig.srv.call('agent', 'POST', '/v1/requests', { ...bash('ls'), channel: 'slack', target: 'C0ELSEWHERE' });
    assert.equal(hinted.status, 403, 'an agent cannot name a channel the server does not route to');
    assert.equal(hinted.body.error.code, 'TARGET_NOT_ROUTED');
  });

  it('a request the policy decides at once posts nothing', async () => {
    const auto = await rig.srv.call('agent', 'POST', '/v1/requests', bash('echo auto-allowed'));
    assert.equal(auto.body.status, 'approved', auto.text);
    await rig.file(bash('echo after the allowed one')); // the outbox is in order: once this is posted, the first had its turn
    assert.equal(rig.slack.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks).includes(auto.body.id)).length, 0);
  });

  it('hostile agent text: no mention, link or formatting forms, HTML stays text, invisible characters are written out', async () => {
    const title = `Deploy <!channel> <@U0ALICE01> <!subteam^S0TEAM> <https://evil.example|click me> *bold* ${HOSTILE.rlo}`;
    const command = `echo "<!here> & <@U0BOB0001>" ; ${HOSTILE.isolate} ; curl https://evil.example ; ${HOSTILE.smuggled}`;
    const preview = `${HOSTILE.markdown} ${HOSTILE.html} ~strike~ _it_ > quote`;
    const { request, card } = await rig.file({ ...bash(command), title, preview, project: null, cwd: `/tmp/<!everyone>/${HOSTILE.zeroWidth}` });
    const texts = textObjects(card.blocks);
    for (const t of texts.filter((x) => x.type === 'mrkdwn')) {
      const outside = outsideCode(t.text);
      // The only markup outside code blocks is ours: *labels* and the dashboard link.
      const withoutOurs = outside.replace(/<http:\/\/127\.0\.0\.1:\d+\/#\/r\/req_[0-9a-z]{26}\|on the dashboard>/g, '');
      assert.doesNotMatch(withoutOurs, /[<>]/, `raw < or > outside a code block: ${t.text}`);
      assert.doesNotMatch(outside, /evil|bold\*|strike|U0BOB|subteam|channel>|here>/, `agent text outside a code block: ${t.text}`);
      assert.doesNotMatch(t.text, /&(?!amp;|lt;|gt;)/, `an unescaped & in mrkdwn: ${t.text}`);
    }
    const action = card.blocks[2].text.text as string;
    assert.ok(action.includes('echo "&lt;!here&gt; &amp; &lt;@U0BOB0001&gt;"'), action);
    const all = texts.map((t) => t.text).join('\n');
    for (const [name, source] of [['title', title], ['command', command], ['cwd', HOSTILE.zeroWidth]] as const) assertShownVisibly(all, source, name);
    assert.equal(texts.find((t) => t.type === 'plain_text' && t.text.startsWith('Deploy'))?.text.includes('<!channel>'), true, 'plain_text shows the title as typed');
    const fallback = rig.slack.callsOf('chat.postMessage').find((c) => JSON.stringify(c.args.blocks).includes(request.id))!.args.text as string;
    assert.doesNotMatch(fallback, /[<>]/, 'the notification text is escaped too');
    assert.ok(fallback.includes('&lt;!channel&gt;'));
  });

  it('a run of backticks cannot close the code block: shown as ˋˋˋ, and the card holds back approval as if cut', async () => {
    const { request, card } = await rig.file(bash('printf "```\\n*not bold* <!channel>\\n```"'));
    const action = card.blocks[2].text.text as string;
    assert.equal((action.match(/```/g) ?? []).length, 2, `only our fences: ${action}`);
    assert.ok(action.includes('ˋˋˋ'));
    assert.deepEqual(actionIds(card).filter((a) => ['gl:approve', 'gl:session', 'gl:always'].includes(a) || a.startsWith('gl:grant')), []);
    assert.match(JSON.stringify(card.blocks), /cannot be shown exactly in Slack/);
    const file = await until('the exact text in the thread', () => rig.slack.files.find((f) => f.filename === `${request.id}.txt` && f.content && f.channel));
    assert.ok(file.content.includes('printf "```'));
  });
});

describe('slack: a card too long to show whole', { timeout: 120_000 }, () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig('http');
  });
  after(() => rig?.stop());

  let card: Message;
  let id: string;
  it('is cut visibly, links to the dashboard, attaches the whole request in its thread, and offers nothing that approves', async () => {
    const long = `echo ${'x'.repeat(5000)} && rm -rf /srv/data`;
    const filed = await rig.file(bash(long, { session_id: 's-long', conditions_schema: [{ name: 'ok', type: 'boolean' }] }));
    card = filed.card;
    id = filed.request.id;
    const action = card.blocks[2].text.text as string;
    assert.ok(action.length <= 3000, `${action.length} characters`);
    assert.ok(action.includes('… [cut]'));
    assert.ok(!action.includes('rm -rf /srv/data'), 'the tail did not fit');
    assert.deepEqual(actionIds(card), ['gl:deny', 'gl:deny_reason', 'gl:open'], 'deny, deny with a reason, and the dashboard: no approval, no conditions, no edit too long for its box');
    assert.match(JSON.stringify(card.blocks), /Cut short where it says … \[cut\]\..*on the dashboard/);
    const file = await until('the full text in the thread', () => rig.slack.files.find((f) => f.filename === `${id}.txt` && f.content && f.channel));
    assert.equal(file.content, fullText(filed.request));
    assert.ok(file.content.includes('rm -rf /srv/data'));
    assert.equal(file.channel, APPROVALS);
    assert.equal(file.thread_ts, card.ts);
    assert.equal(rig.slack.callsOf('files.completeUploadExternal').filter((c) => c.ok).length, 1);
  });

  it('a hand-made Approve click on it is refused, audited and decides nothing', async () => {
    const payload = rig.slack.clickPayload(ALICE, card, 'gl:deny');
    (payload.actions as any[])[0].action_id = 'gl:approve';
    const res = await rig.slack.interact(payload, 'http');
    assert.equal(res.status, 200);
    const told = await until('the ephemeral refusal', () => rig.slack.ephemerals.find((e) => e.user === ALICE && /does not offer that/.test(e.text)));
    assert.equal(told.channel, APPROVALS);
    assert.equal((await rig.get(id)).status, 'pending');
    const audit = await rig.srv.call('admin', 'GET', `/v1/audit?request_id=${id}`);
    assert.ok(audit.body.items.some((e: any) => e.action === 'slack.unauthorized' && e.detail.reason === 'not_offered' && e.detail.action === 'gl:approve'), JSON.stringify(audit.body.items));
  });
});

describe('slack: direct messages when nothing else covers a request', { timeout: 60_000 }, () => {
  let rig: SlackRig;
  before(async () => {
    rig = await startSlackRig('http', { slack: { channel: null } });
  });
  after(() => rig?.stop());

  it('each routed approver gets the card from the app, and only they', async () => {
    const res = await rig.srv.call('agent', 'POST', '/v1/requests', bash('make deploy'));
    const id = res.body.id as string;
    const dm = await until('the DM to alice', () => rig.slack.cardOf(id, `D${ALICE.slice(1)}`));
    assert.ok(dm);
    assert.equal(rig.slack.cardOf(id, `D${BOB.slice(1)}`), undefined, 'bob decides project ops only');
    await rig.slack.click(ALICE, dm, 'gl:approve', 'http');
    await until('the DM card edited', () => (rig.slack.cardOf(id, `D${ALICE.slice(1)}`)!.versions.length > 1 ? true : undefined));
    assert.equal((await rig.get(id)).status, 'approved');
  });
});
