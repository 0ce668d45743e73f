// What the approver sees by email is what runs, through a real SMTP server on loopback: the mail
// and the confirmation page lead with the action from the tool input, then the agent's own
// description labelled as such, then why the policy asks; every hostile string of the corpus is
// written out visibly in the subject, the text part, the HTML part and the page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_HOSTILE, assertShownVisibly, EMOJI, HOSTILE } from '../helpers/hostile-text.js';
import { emailSuite, fileRequest, linksOf, openLink } from './fixtures.js';

/** The text a mail client shows for an HTML part (tags dropped, entities decoded). */
const shownHtml = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('email: what the approver sees is what runs', () => {
  const rig = emailSuite();

  it('leads with the command from the input, not the agent\'s preview; the preview comes second, labelled', async () => {
    const id = await fileRequest(rig.s, { title: 'Tidy up', tool: 'Bash', input: { command: 'rm -rf ~/important' }, preview: 'ls -la' });
    const mail = await rig.smtp.announcement(id);
    for (const [part, body] of [['text', mail.parsed.text ?? ''], ['html', shownHtml(mail.parsed.html ?? '')]] as const) {
      const action = body.indexOf('The action: Bash (command)');
      const command = body.indexOf('rm -rf ~/important');
      const said = body.indexOf('Agent’s description (the agent’s own words, not checked against the action)');
      const preview = body.indexOf('ls -la');
      const why = body.indexOf('Why you are asked');
      assert.ok(action > 0 && command > action && said > command && preview > said && why > preview, `${part}: ${body}`);
      assert.ok(body.indexOf('Expires') > why, `${part}: the facts come after`);
    }
    // The confirmation page behind every link shows it in the same order.
    const page = shownHtml((await openLink(linksOf(mail).get('Approve once')!)).html);
    assert.ok(page.indexOf('rm -rf ~/important') < page.indexOf('ls -la') && page.indexOf('ls -la') < page.indexOf('Why you are asked'), page);
  });

  it('writes every hostile string out visibly in the subject, the text part, the HTML part and the confirmation page', async () => {
    const command = `echo ${ALL_HOSTILE} ${EMOJI}`;
    const id = await fileRequest(rig.s, {
      title: `T ${HOSTILE.rlo}`,
      tool: 'Bash',
      input: { command },
      preview: `P ${ALL_HOSTILE}`,
      context: `C ${ALL_HOSTILE}`,
      conditions_schema: [{ name: 'why', type: 'text', label: `L ${HOSTILE.isolate}` }],
    });
    const mail = await rig.smtp.announcement(id);
    assertShownVisibly(mail.parsed.subject ?? '', HOSTILE.rlo, 'subject');
    assert.match(mail.raw, /^Subject: /m);
    const text = mail.parsed.text ?? '';
    const html = mail.parsed.html ?? '';
    assert.match(html, /<span style="[^"]+">⟪U\+202E⟫<\/span>/, 'marks stand out in HTML');
    assert.match(html, /unicode-bidi:bidi-override;direction:ltr/, 'the action is laid out strictly left to right');
    for (const [part, body] of [['text', text], ['html', shownHtml(html)]] as const) {
      const section = (from: string, to: string) => body.slice(body.indexOf(from), body.indexOf(to, body.indexOf(from) + 1));
      assertShownVisibly(section('T ', 'The action'), `T ${HOSTILE.rlo}`, `${part}: title`);
      assertShownVisibly(section('echo ', 'Agent’s description'), command, `${part}: command`);
      assertShownVisibly(section('P ', 'Why you are asked'), `P ${ALL_HOSTILE}`, `${part}: description`);
      assertShownVisibly(section('C ', 'Conditions you can set'), `C ${ALL_HOSTILE}`, `${part}: context`);
      assertShownVisibly(section('L ', 'Decide'), HOSTILE.isolate, `${part}: conditions`);
      assert.ok(body.includes(EMOJI), `${part}: emoji stay emoji`);
      assert.ok(body.includes(HOSTILE.markdown), `${part}: markdown as text`);
      assert.ok(body.includes(HOSTILE.html), `${part}: HTML as text`);
    }
    assert.ok(!/<script|<img/i.test(html), 'no markup from the agent');
    // The policy reason says where they are.
    assert.match(text, /--- Why you are asked ---\nContains invisible characters, shown as ⟪U\+…⟫: 2 invisible characters in the title \(U\+202E at position 19, U\+202C at position 24\); \d+ invisible characters in the agent’s description \(preview\)/);
    // The confirmation page.
    const opened = await openLink(linksOf(mail).get('Approve with conditions')!);
    assert.equal(opened.status, 200);
    const page = shownHtml(opened.html);
    assertShownVisibly(page, `${HOSTILE.rlo}${command}${ALL_HOSTILE}${ALL_HOSTILE}${HOSTILE.isolate}`, 'page');
    assert.match(opened.html, /<input id="c\.why" name="c\.why" type="text"/, 'form names stay as the schema has them');
  });

  it('keeps one-click approval off when the agent\'s description is too long to show, and shows a plain action as the action', async () => {
    const long = await fileRequest(rig.s, { title: 'Big', tool: 'Bash', input: { command: 'make' }, preview: 'x'.repeat(9000) });
    const mail = await rig.smtp.announcement(long);
    assert.match(mail.parsed.text ?? '', /Truncated: this mail shows 8000 of 9000 characters/);
    assert.doesNotMatch(mail.parsed.text ?? '', /1 or approve/);
    const plain = await fileRequest(rig.s, { title: 'Deploy', preview: 'kubectl apply -f prod.yaml' });
    const text = (await rig.smtp.announcement(plain)).parsed.text ?? '';
    assert.match(text, /--- The action: action \(action, in the agent’s words \(no tool input\)\) ---\nkubectl apply -f prod\.yaml/);
    assert.doesNotMatch(text, /Agent’s description/);
  });
});
