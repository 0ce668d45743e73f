import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCALES, MESSAGES, type Messages } from './i18n.js';

/** Sample arguments for every template that takes some. */
const ARGS: Record<string, unknown[]> = {
  acceptAll: ['prefix', 'git status'],
  expires: ['2026-01-01 00:00 UTC', 'in 1 h'],
  inTime: [90_000],
  truncated: [10, 100],
  shortened: [10, 100],
  headline: ['approved', 'session', false],
  byWho: ['alice', 'telegram'],
  alreadyDecided: ['denied', 'bob', 'web'],
  decided: ['answered'],
  voteCounted: ['1 of 2 approvals — alice approved'],
  failed: ['why'],
  promptReasonHtml: ['<a href="tg://user?id=1">A</a>'],
  promptEditHtml: ['A', 'command', 'ls'],
  promptAnswerHtml: ['A'],
  promptCodeHtml: ['A'],
  promptConditionHtml: ['A', 1, 2, 'Env', 'where', 'number', true],
  chooseConditionHtml: [1, 2, 'Env', null],
  confirmConditionsHtml: [[['env', 'prod']]],
  aboutRequest: ['req_x'],
  startHtml: ['-100', 42, 'alice'],
  pendingSending: [3, 2],
  clearDone: [2, 1],
};

describe('message templates', () => {
  it('has every template in every locale, each giving text', () => {
    const keys = Object.keys(MESSAGES.en).sort();
    for (const locale of LOCALES) {
      const m: Messages = MESSAGES[locale];
      assert.deepEqual(Object.keys(m).sort(), keys, locale);
      for (const key of keys) {
        const v = (m as unknown as Record<string, unknown>)[key];
        const out = typeof v === 'function' ? (v as (...a: unknown[]) => unknown)(...(ARGS[key] ?? assert.fail(`no sample arguments for ${key}`))) : v;
        if (key === 'priority' || key === 'actionWhat') {
          assert.deepEqual(Object.keys(out as object).sort(), Object.keys((MESSAGES.en as unknown as Record<string, object>)[key]).sort(), `${locale}.${key}`);
          continue;
        }
        assert.equal(typeof out, 'string', `${locale}.${key}`);
        assert.ok((out as string).length > 0, `${locale}.${key}`);
      }
    }
  });

  it('escapes what the HTML templates are given', () => {
    for (const locale of LOCALES) {
      const start = MESSAGES[locale].startHtml('<b>', 1, '<i>');
      assert.ok(start.includes('&lt;b&gt;') && start.includes('&lt;i&gt;') && !start.includes('<i>'), start);
      const confirm = MESSAGES[locale].confirmConditionsHtml([['<x>', '</pre>']]);
      assert.ok(confirm.includes('&lt;/pre&gt;') && !confirm.includes('</pre>'), confirm);
    }
  });
});
