// Policy: the configured rules, the grants (revocable), and a dry run — "would Bash(...) in /dir
// be allowed?" — against POST /v1/policy/evaluate. Missing policy routes are said plainly.
import { api, ApiError } from './api.js';
import { badge } from './detail.js';
import { h, replace, table } from './dom.js';
import { json } from './format.js';
import { grantsTable, listGrants, missing, NOT_AVAILABLE } from './grants.js';

interface RuleSet {
  allow: string[];
  ask: string[];
  deny: string[];
}
interface Rules {
  global: RuleSet;
  projects: (RuleSet & { name: string; directories: string[]; sandboxed: boolean })[];
}

function ruleLists(set: RuleSet): HTMLElement {
  const list = (effect: keyof RuleSet) => h('div', { class: `rules rules-${effect}` }, h('h5', null, effect), set[effect].length ? h('ul', null, ...set[effect].map((r) => h('li', null, h('code', null, r)))) : h('p', { class: 'muted' }, 'none'));
  return h('div', { class: 'rule-sets' }, list('deny'), list('ask'), list('allow'));
}

const INPUT_KEY: Record<string, string> = { Bash: 'command', Read: 'file_path', Edit: 'file_path', Write: 'file_path', Glob: 'pattern', Grep: 'pattern', WebFetch: 'url', WebSearch: 'query' };

export function mountPolicy(root: HTMLElement): () => void {
  const rulesBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const grantsBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const tool = h('input', { type: 'text', id: 'dry-tool', value: 'Bash', list: 'dry-tools', autocomplete: 'off', spellcheck: 'false' });
  const what = h('input', { type: 'text', id: 'dry-what', autocomplete: 'off', spellcheck: 'false', placeholder: 'git push origin main' });
  const cwd = h('input', { type: 'text', id: 'dry-cwd', autocomplete: 'off', spellcheck: 'false', placeholder: '/home/me/project' });
  const project = h('input', { type: 'text', id: 'dry-project', autocomplete: 'off' });
  const agent = h('input', { type: 'text', id: 'dry-agent', autocomplete: 'off' });
  const question = h('p', { class: 'dry-question' });
  const result = h('div', { class: 'dry-result', 'aria-live': 'polite' });
  const field = (id: string, label: string, input: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const whatLabel = h('label', { for: 'dry-what' }, 'Command');
  const form = h(
    'form',
    { class: 'dry-run', 'aria-label': 'Dry run' },
    h('datalist', { id: 'dry-tools' }, ...Object.keys(INPUT_KEY).map((t) => h('option', { value: t }))),
    field('dry-tool', 'Tool', tool),
    h('div', { class: 'field wide' }, whatLabel, what),
    field('dry-cwd', 'In directory', cwd),
    field('dry-project', 'Project (optional)', project),
    field('dry-agent', 'Agent (optional)', agent),
    question,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn primary' }, 'Check')),
  );
  const ask = () => {
    const t = tool.value.trim() || 'Bash';
    whatLabel.textContent = INPUT_KEY[t] === 'command' ? 'Command' : INPUT_KEY[t] === 'url' ? 'URL' : INPUT_KEY[t] ? 'Path or pattern' : 'Input (JSON or text)';
    question.textContent = `Would ${t}(${what.value.trim() || '…'})${cwd.value.trim() ? ` in ${cwd.value.trim()}` : ''} be allowed?`;
  };
  tool.addEventListener('input', ask);
  what.addEventListener('input', ask);
  cwd.addEventListener('input', ask);
  ask();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const t = tool.value.trim() || 'Bash';
    let input: unknown;
    if (INPUT_KEY[t]) input = { [INPUT_KEY[t]]: what.value };
    else {
      try {
        input = JSON.parse(what.value);
      } catch {
        input = what.value;
      }
    }
    const body: Record<string, unknown> = { tool: t, input, cwd: cwd.value.trim() || null };
    if (project.value.trim()) body.project = project.value.trim();
    if (agent.value.trim()) body.agent = agent.value.trim();
    replace(result, h('p', { class: 'muted' }, 'Checking…'));
    try {
      const ev = await api<Record<string, any>>('POST', '/v1/policy/evaluate', body);
      const verdict = String(ev.verdict ?? ev.evaluation?.verdict ?? 'unknown');
      const e = ev.evaluation ?? ev;
      replace(
        result,
        h('p', { class: 'verdict' }, badge(verdict, `verdict-${verdict}`), ' ', e.reason ? String(e.reason) : ''),
        e.rule ? h('p', null, 'Rule: ', h('code', null, String(e.rule)), e.source ? h('span', { class: 'muted' }, ` (${String(e.source)})`) : null) : null,
        e.dangerous ? h('p', { class: 'danger-text' }, 'Dangerous: ', Array.isArray(e.dangerReasons) ? e.dangerReasons.map(String).join('; ') : 'yes') : null,
        Array.isArray(e.trace) && e.trace.length
          ? table(['What', 'Verdict', 'Rule', 'Why'], e.trace.map((t: any) => ({ cells: [h('code', null, String(t.subject ?? '')), String(t.verdict ?? ''), t.rule ? h('code', null, String(t.rule)) : '', String(t.reason ?? '')] })))
          : null,
        typeof ev.explanation === 'string' ? h('pre', { class: 'code scroll' }, h('code', null, ev.explanation)) : null,
        h('details', { class: 'more' }, h('summary', null, 'Raw answer'), h('pre', { class: 'code scroll' }, h('code', null, json(ev)))),
      );
    } catch (e) {
      replace(result, h('p', { class: missing(e) ? 'muted not-available' : 'form-error' }, missing(e) ? NOT_AVAILABLE : (e as ApiError).message));
    }
  });

  replace(
    root,
    h(
      'div',
      { class: 'page' },
      h('h2', null, 'Policy'),
      h('section', { class: 'card', 'aria-labelledby': 'dry-title' }, h('h3', { id: 'dry-title' }, 'Dry run'), form, result),
      h('section', { class: 'card', 'aria-labelledby': 'grants-title' }, h('h3', { id: 'grants-title' }, 'Grants'), grantsBox),
      h('section', { class: 'card', 'aria-labelledby': 'rules-title' }, h('h3', { id: 'rules-title' }, 'Rules'), h('p', { class: 'muted' }, 'From the config file: deny before ask before allow. Change them there.'), rulesBox),
    ),
  );

  const loadGrants = async () => {
    try {
      const grants = await listGrants();
      replace(grantsBox, grants === null ? h('p', { class: 'muted not-available' }, NOT_AVAILABLE) : grantsTable(grants, () => void loadGrants()));
    } catch (e) {
      replace(grantsBox, h('p', { class: 'form-error' }, (e as Error).message));
    }
  };
  void loadGrants();
  void api<Rules>('GET', '/web/api/policy').then(
    (rules) =>
      replace(
        rulesBox,
        h('h4', null, 'Everywhere'),
        ruleLists(rules.global),
        ...rules.projects.map((p) => h('div', { class: 'project-rules' }, h('h4', null, `Project ${p.name}`, p.sandboxed ? ' (sandboxed)' : ''), p.directories.length ? h('p', { class: 'muted mono' }, p.directories.join('  ')) : null, ruleLists(p))),
      ),
    (e) => replace(rulesBox, h('p', { class: 'form-error' }, (e as Error).message)),
  );
  return () => {};
}
