// Key management (admins): create a key (shown once), list, revoke.
import { api } from './api.js';
import { confirmButton, h, replace, toast } from './dom.js';
import { ago, when } from './format.js';

interface Key {
  id: string;
  role: string;
  name: string;
  projects: string[];
  created_at: string | null;
  revoked_at: string | null;
}

const COLS = ['Name', 'Role', 'Projects', 'Created', 'Status', ''];

export function mountKeys(root: HTMLElement): () => void {
  const role = h('select', { id: 'key-role' }, ...['agent', 'approver', 'admin'].map((r) => h('option', { value: r }, r)));
  const name = h('input', { type: 'text', id: 'key-name', autocomplete: 'off', required: true, spellcheck: 'false' });
  const projects = h('input', { type: 'text', id: 'key-projects', autocomplete: 'off', placeholder: 'webapp, infra', spellcheck: 'false' });
  const created = h('div', { class: 'created-key', 'aria-live': 'polite' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const field = (id: string, label: string, input: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const form = h('form', { class: 'keys-form', 'aria-label': 'Create a key' }, field('key-role', 'Role', role), field('key-name', 'Name', name), field('key-projects', 'Projects (agents only)', projects), h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn primary' }, 'Create key')));
  const body = h('tbody', { role: 'rowgroup' });
  replace(
    root,
    h(
      'div',
      { class: 'page' },
      h('h2', null, 'Keys'),
      h('section', { class: 'card', 'aria-labelledby': 'new-key' }, h('h3', { id: 'new-key' }, 'New key'), form, error, created),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid stack', role: 'table' }, h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ...COLS.map((t) => h('th', { scope: 'col', role: 'columnheader' }, t)))), body)),
      h('p', { class: 'muted' }, 'Keys declared in the config file are not listed here; change them in that file.'),
    ),
  );

  async function load(): Promise<void> {
    try {
      const res = await api<{ items: Key[] }>('GET', '/v1/keys');
      replace(
        body,
        ...res.items.map((k) => {
          const cells = [
            h('span', null, k.name, h('span', { class: 'muted block mono' }, k.id)),
            k.role,
            k.projects.join(', ') || 'any',
            k.created_at ? h('time', { datetime: k.created_at, title: when(k.created_at) }, ago(k.created_at)) : '',
            k.revoked_at ? `revoked ${ago(k.revoked_at)}` : 'active',
            k.revoked_at
              ? ''
              : confirmButton('Revoke', 'Click again to revoke', 'btn small deny', async () => {
                  try {
                    await api('DELETE', `/v1/keys/${encodeURIComponent(k.id)}`);
                    toast(`Revoked ${k.name}`);
                    void load();
                  } catch (e) {
                    toast((e as Error).message, 'error');
                  }
                }),
          ];
          return h('tr', { 'data-id': k.id, role: 'row' }, ...cells.map((c, i) => h('td', { 'data-label': COLS[i] || null, role: 'cell' }, c)));
        }),
      );
      if (!res.items.length) body.appendChild(h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No keys created here yet.')));
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    try {
      const list = projects.value.split(',').map((p) => p.trim()).filter(Boolean);
      const res = await api<Key & { key: string; note: string }>('POST', '/v1/keys', { role: role.value, name: name.value.trim(), projects: list });
      const secret = h('input', { type: 'text', readonly: true, value: res.key, class: 'mono', id: 'created-secret', 'aria-label': 'The new key' });
      replace(created, h('p', null, `Key for ${res.name} (${res.role}). `, h('strong', null, 'Shown once: copy it now.')), secret);
      secret.select();
      name.value = '';
      void load();
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  });
  void load();
  return () => {};
}
