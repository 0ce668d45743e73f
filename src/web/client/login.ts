// Sign-in: with an approver/admin key or a name and password. The server sets an HttpOnly session
// cookie; the page only keeps the CSRF token it is given.
import { api } from './api.js';
import { h, replace } from './dom.js';
import type { Me } from './types.js';

export function mountLogin(root: HTMLElement, passwordSignIn: boolean, onSignedIn: (me: Me) => void, notice = ''): void {
  const error = h('p', { class: 'form-error', role: 'alert' }, notice);
  const attempt = async (form: HTMLFormElement, body: Record<string, string>) => {
    const btn = form.querySelector('button') as HTMLButtonElement;
    btn.disabled = true;
    error.textContent = '';
    try {
      onSignedIn(await api<Me>('POST', '/auth/login', body));
    } catch (e) {
      error.textContent = (e as Error).message;
      (form.querySelector('input[type=password]') as HTMLInputElement | null)?.select();
    } finally {
      btn.disabled = false;
    }
  };
  const key = h('input', { type: 'password', id: 'signin-key', name: 'key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const keyForm = h('form', { class: 'signin', 'aria-label': 'Sign in with a key' }, h('div', { class: 'field' }, h('label', { for: 'signin-key' }, 'Approver or admin key'), key), h('button', { type: 'submit', class: 'btn primary big' }, 'Sign in'));
  keyForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (key.value.trim()) void attempt(keyForm, { key: key.value.trim() });
  });
  let pwForm: HTMLFormElement | null = null;
  if (passwordSignIn) {
    const name = h('input', { type: 'text', id: 'signin-name', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
    const pw = h('input', { type: 'password', id: 'signin-password', name: 'password', autocomplete: 'current-password', required: true });
    pwForm = h(
      'form',
      { class: 'signin', 'aria-label': 'Sign in with a password' },
      h('div', { class: 'field' }, h('label', { for: 'signin-name' }, 'Name'), name),
      h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), pw),
      h('button', { type: 'submit', class: 'btn primary big' }, 'Sign in with password'),
    );
    pwForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (name.value.trim() && pw.value) void attempt(pwForm!, { name: name.value.trim(), password: pw.value });
    });
  }
  replace(
    root,
    h(
      'main',
      { class: 'card narrow login', id: 'main' },
      h('h1', { class: 'brand' }, h('span', { class: 'brand-dot', 'aria-hidden': 'true' }), ' Greenlight'),
      h('p', null, 'Sign in to decide what your agents may do.'),
      error,
      keyForm,
      pwForm ? h('div', { class: 'or', role: 'separator' }, 'or') : null,
      pwForm,
      h('p', { class: 'muted small' }, 'Got a one-time sign-in link over Telegram or email? Open it on this device. Agent keys cannot sign in here.'),
    ),
  );
  key.focus();
}
