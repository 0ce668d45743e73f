// Every decision the Slack card offers, round-tripped to a waiting agent, in both connection modes:
// buttons (approve once / for the session / always / accept all, deny, a question's option), the
// modals (deny with a reason, edit then approve, the conditions form with its per-field errors, a
// multi-select question's checkboxes with free text, an answer in one's own words), then the card
// edited to say who decided it. Plus `/greenlight pending`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from './fake-slack.js';
import { ALICE, APPROVALS, actionIds, bash, shownText, startSlackRig, until, type SlackRig } from './rig.js';

for (const mode of ['http', 'socket'] as const) {
  describe(`slack (${mode} mode): every decision reaches the waiting agent`, { timeout: 120_000 }, () => {
    let rig: SlackRig;
    before(async () => {
      rig = await startSlackRig(mode);
    });
    after(() => rig?.stop());

    const waiting = (id: string) => rig.srv.call('agent', 'GET', `/v1/requests/${id}/wait?timeout_sec=30`);
    const settledCard = (id: string) => until(`the card of ${id} edited once settled`, () => (rig.card(id).versions.length > 1 ? rig.card(id) : undefined));
    /** Clicks a button that opens a modal; returns the modal as Slack opened it. */
    async function openModal(card: Message, action: string) {
      const before = rig.slack.views.length;
      const ack = await rig.slack.click(ALICE, card, action, mode);
      assert.equal(ack.status, 200, JSON.stringify(ack.body));
      return until(`the ${action} modal`, () => rig.slack.views[before]);
    }

    it('Approve: the agent gets it, and every card says who approved it, without buttons', async () => {
      const { request, card } = await rig.file(bash('kubectl rollout restart deploy/web', { session_id: 's-1' }));
      assert.deepEqual(actionIds(card), ['gl:approve', 'gl:session', 'gl:always', 'gl:grant:0', 'gl:edit', 'gl:deny', 'gl:deny_reason', 'gl:open']);
      const wait = waiting(request.id);
      const ack = await rig.slack.click(ALICE, card, 'gl:approve', mode);
      assert.equal(ack.status, 200);
      const done = await wait;
      assert.equal(done.body.status, 'approved');
      assert.equal(done.body.decision.decided_by, 'alice');
      assert.equal(done.body.decision.via, 'slack');
      assert.equal(done.body.decision.scope, 'once');
      const edited = await settledCard(request.id);
      assert.deepEqual(actionIds(edited), [], 'no button is left');
      assert.match(shownText(edited), /Approved by alice via slack · \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      assert.equal(rig.slack.callsOf('chat.update').filter((c) => c.args.ts === card.ts && c.ok).length, 1);
    });

    for (const [action, scope] of [['gl:session', 'session'], ['gl:always', 'always']] as const) {
      it(`${action.slice(3)}: approved with scope ${scope}`, async () => {
        const { request, card } = await rig.file(bash(`git fetch origin ${scope}-${Date.now()}`, { session_id: `s-${scope}` }));
        const wait = waiting(request.id);
        await rig.slack.click(ALICE, card, action, mode);
        const done = await wait;
        assert.equal(done.body.status, 'approved');
        assert.equal(done.body.decision.scope, scope);
      });
    }

    it('Accept all …: the grant the policy suggested, for the session', async () => {
      const { request, card } = await rig.file(bash(`npm run lint -- --fix ${Date.now()}`, { session_id: 's-grant' }));
      const grant = actionIds(card).find((a) => a.startsWith('gl:grant:'));
      assert.ok(grant, `the policy suggested a grant: ${actionIds(card)}`);
      const label = card.blocks.flatMap((b) => b.elements ?? []).find((e: { action_id: string }) => e.action_id === grant).text.text;
      assert.match(label, /^Accept all: /);
      const wait = waiting(request.id);
      await rig.slack.click(ALICE, card, grant, mode);
      const done = await wait;
      assert.equal(done.body.status, 'approved');
      assert.equal(done.body.decision.scope, 'session');
    });

    it('Deny: denied, and the card says so', async () => {
      const { request, card } = await rig.file(bash('rm -rf build/'));
      const wait = waiting(request.id);
      await rig.slack.click(ALICE, card, 'gl:deny', mode);
      assert.equal((await wait).body.status, 'denied');
      assert.match(shownText(await settledCard(request.id)), /Denied by alice via slack/);
    });

    it('Deny with a reason: a modal asks why; the reason reaches the agent', async () => {
      const { request, card } = await rig.file(bash('terraform destroy'));
      const modal = await openModal(card, 'gl:deny_reason');
      assert.equal(modal.user, ALICE);
      assert.equal(modal.view.title.text, 'Deny with a reason');
      const empty = await rig.slack.submit(modal, { reason: '   ' }, mode);
      assert.deepEqual(empty.body, { response_action: 'errors', errors: { reason: 'Say why you deny it.' } }, 'the modal stays open and says what is missing');
      assert.equal((await rig.get(request.id)).status, 'pending');
      const wait = waiting(request.id);
      const ok = await rig.slack.submit(modal, { reason: 'not on a Friday' }, mode);
      assert.equal(ok.status, 200);
      assert.ok(!ok.body || Object.keys(ok.body).length === 0, `an empty ack closes the modal: ${JSON.stringify(ok.body)}`);
      const done = await wait;
      assert.equal(done.body.status, 'denied');
      assert.equal(done.body.decision.comment, 'not on a Friday');
      assert.match(shownText(await settledCard(request.id)), /Comment: not on a Friday/);
    });

    it('Edit, then approve: the modal is prefilled with the command; the agent gets the edit', async () => {
      const { request, card } = await rig.file(bash('helm upgrade web ./chart --set replicas=10'));
      const modal = await openModal(card, 'gl:edit');
      const box = modal.view.blocks.find((b: { block_id?: string }) => b.block_id === 'edited');
      assert.equal(box.element.initial_value, 'helm upgrade web ./chart --set replicas=10');
      assert.equal(box.element.type, 'plain_text_input');
      const wait = waiting(request.id);
      await rig.slack.submit(modal, { edited: 'helm upgrade web ./chart --set replicas=3' }, mode);
      const done = await wait;
      assert.equal(done.body.status, 'approved');
      assert.deepEqual(done.body.decision.updated_input, { command: 'helm upgrade web ./chart --set replicas=3' });
    });

    it('Edit, then approve, of an action with invisible characters: the box is not prefilled, and the modal says where they are', async () => {
      const { request, card } = await rig.file(bash('git push origin \u202Eniam\u202C feature'));
      const modal = await openModal(card, 'gl:edit');
      const box = modal.view.blocks.find((b: { block_id?: string }) => b.block_id === 'edited');
      assert.equal(box.element.initial_value, undefined, 'a text box would hide U+202E');
      assert.match(shownText(modal.view), /Careful: 2 invisible characters in the command \(U\+202E at position 17, U\+202C at position 22\)/);
      const wait = waiting(request.id);
      await rig.slack.submit(modal, { edited: 'git push origin main feature' }, mode);
      assert.deepEqual((await wait).body.decision.updated_input, { command: 'git push origin main feature' });
    });

    it('Approve with conditions: a form from conditions_schema; wrong or missing values are shown in the modal, not decided', async () => {
      const schema = [
        { name: 'max_cost', label: 'Max cost (USD)', type: 'number', required: true },
        { name: 'region', type: 'select', options: ['eu-west-1', 'us-east-1'], required: true },
        { name: 'dry_run', type: 'boolean' },
        { name: 'ticket', type: 'text', description: 'Change ticket' },
      ];
      const { request, card } = await rig.file(bash('terraform apply', { conditions_schema: schema }));
      assert.ok(actionIds(card).includes('gl:conditional'));
      const modal = await openModal(card, 'gl:conditional');
      const inputs = modal.view.blocks.filter((b: { type: string }) => b.type === 'input');
      assert.deepEqual(inputs.map((b: any) => [b.block_id, b.element.type, b.optional]), [
        ['f:0', 'number_input', false],
        ['f:1', 'static_select', false],
        ['f:2', 'radio_buttons', true],
        ['f:3', 'plain_text_input', true],
      ]);
      assert.deepEqual(inputs[1].element.options.map((o: any) => o.text.text), ['eu-west-1', 'us-east-1']);
      assert.equal(inputs[3].hint.text, 'Change ticket');
      const bad = await rig.slack.submit(modal, { 'f:0': 'lots', 'f:2': 'yes' }, mode);
      assert.equal(bad.body.response_action, 'errors');
      assert.deepEqual(Object.keys(bad.body.errors).sort(), ['f:0', 'f:1']);
      assert.match(bad.body.errors['f:0'], /must be a number/);
      assert.match(bad.body.errors['f:1'], /required/);
      assert.equal((await rig.get(request.id)).status, 'pending');
      const wait = waiting(request.id);
      await rig.slack.submit(modal, { 'f:0': '250', 'f:1': '1', 'f:2': 'no', 'f:3': 'CHG-42' }, mode);
      const done = await wait;
      assert.equal(done.body.status, 'conditional');
      assert.deepEqual(done.body.decision.conditions, { max_cost: 250, region: 'us-east-1', dry_run: false, ticket: 'CHG-42' });
      assert.match(shownText(await settledCard(request.id)), /Conditions: max_cost = 250; region = us-east-1; dry_run = false; ticket = CHG-42/);
    });

    it('A question: one button per option answers it', async () => {
      const { request, card } = await rig.file({ title: 'Which region?', preview: 'Pick where to deploy', question: { options: ['eu', 'us'] } });
      assert.deepEqual(actionIds(card), ['gl:option:A', 'gl:option:B', 'gl:deny', 'gl:deny_reason', 'gl:open']);
      const wait = waiting(request.id);
      await rig.slack.click(ALICE, card, 'gl:option:B', mode);
      const done = await wait;
      assert.equal(done.body.status, 'answered');
      assert.equal(done.body.decision.answer, 'B');
    });

    it('A multi-select question with free text: checkboxes and a text box in one modal', async () => {
      const { request, card } = await rig.file({ title: 'Which checks?', preview: 'Pick checks', question: { options: ['lint', 'test', 'e2e'], multi_select: true, allow_free_text: true } });
      assert.deepEqual(actionIds(card), ['gl:select', 'gl:answer', 'gl:deny', 'gl:deny_reason', 'gl:open']);
      const modal = await openModal(card, 'gl:select');
      const boxes = modal.view.blocks.find((b: { block_id?: string }) => b.block_id === 'selected');
      assert.equal(boxes.element.type, 'checkboxes');
      const none = await rig.slack.submit(modal, {}, mode);
      assert.deepEqual(none.body, { response_action: 'errors', errors: { selected: 'Pick at least one option first.' } });
      const wait = waiting(request.id);
      await rig.slack.submit(modal, { selected: ['A', 'C'], answer: 'and a smoke test' }, mode);
      const done = await wait;
      assert.equal(done.body.status, 'answered');
      assert.deepEqual(done.body.decision.answer, ['A', 'C']);
      assert.equal(done.body.decision.comment, 'and a smoke test');
    });

    it('A question answered in the approver\'s own words', async () => {
      const { request, card } = await rig.file({ title: 'Name the release', preview: 'What should the release be called?', question: { options: [], allow_free_text: true } });
      const modal = await openModal(card, 'gl:answer');
      const wait = waiting(request.id);
      await rig.slack.submit(modal, { answer: 'Blue Heron' }, mode);
      const done = await wait;
      assert.equal(done.body.status, 'answered');
      assert.equal(done.body.decision.answer, 'Blue Heron');
    });

    it('/greenlight pending lists what waits for the caller, only to them', async () => {
      const { request } = await rig.file(bash('make release'));
      const res = await rig.slack.command(ALICE, 'pending', APPROVALS, mode);
      assert.equal(res.status, 200);
      assert.equal(res.body.response_type, 'ephemeral');
      const text = JSON.stringify(res.body.blocks);
      assert.ok(text.includes('make release'), text);
      assert.ok(text.includes(`#/r/${request.id}`), 'links each request on the dashboard');
      const help = await rig.slack.command(ALICE, 'what', APPROVALS, mode);
      assert.match(help.body.text, /Usage: \/greenlight pending/);
    });
  });
}
