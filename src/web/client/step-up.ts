// Step-up in the dashboard: the code dialog an approval of a request that needs a second factor
// opens, and the Security page where an approver sets up an authenticator app (a QR code made by
// the server as a PNG data: URL, allowed by the CSP's img-src, plus the text secret, confirmed by a
// first code). The secret is shown once; the server never sends it again.
import { api } from './api.js';
import { h, replace, toast } from './dom.js';
import { when } from './format.js';
import { ENROL_HINT, parseCode } from '../../core/step-up.js';
import { addPasskey, passkeyProof, passkeysSupported } from './passkeys.js';

const codeInput = (id: string) => h('input', { type: 'text', id, inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 64, spellcheck: 'false', class: 'mono code-input', placeholder: '123 456', required: true });

/** What the approver proves themselves with: the code, or a passkey's answer. */
export type SecondFactor = { code: string } | { passkey: unknown };

/**
 * Asks for the second factor in a modal — the code from the authenticator app, or "Use a passkey"
 * when the approver has one — and `send` decides with it. The dialog stays open on a refusal (a
 * wrong or used code, a refused passkey: said in the dialog) and closes once `send` succeeds or on Cancel.
 */
export function askSecondFactor(r: { id: string; title: string }, send: (factor: SecondFactor) => Promise<void>): void {
  const input = codeInput('step-up-code');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn approve', 'data-act': 'step-up-confirm' }, 'Approve');
  const passkey = h('button', { type: 'button', class: 'btn approve-alt', 'data-act': 'step-up-passkey', hidden: true }, 'Use a passkey');
  const cancel = h('button', { type: 'button', class: 'btn' }, 'Cancel');
  const codeField = h('div', { class: 'field' }, h('label', { for: 'step-up-code' }, 'Code'), input);
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: 'step-up-title' }, 'Confirm with your code'),
    h('p', { class: 'muted' }, `Approving “${r.title}” needs the 6-digit code from your authenticator app, or your passkey.`),
    codeField,
    error,
    h('div', { class: 'row' }, submit, passkey, cancel),
  );
  const dialog = h('dialog', { class: 'step-up', 'aria-labelledby': 'step-up-title' }, form);
  const close = () => (dialog.close(), dialog.remove());
  const attempt = (factor: () => Promise<SecondFactor>, busy: HTMLButtonElement) => {
    error.textContent = '';
    busy.disabled = true;
    factor()
      .then(send)
      .then(close, (e) => {
        busy.disabled = false;
        error.textContent = (e as Error).message;
        input.select();
      });
  };
  cancel.addEventListener('click', close);
  passkey.addEventListener('click', () => attempt(async () => ({ passkey: await passkeyProof(r.id) }), passkey));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const parsed = parseCode(input.value);
    if ('error' in parsed) return void (error.textContent = parsed.error);
    attempt(async () => ({ code: parsed.code }), submit);
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  input.focus();
  // What this approver has set up: a passkey adds its button; without an app the code box goes.
  api<Status>('GET', '/v1/step-up').then((s) => {
    passkey.hidden = !(s.passkeys.length > 0 && passkeysSupported());
    if (s.totp.state !== 'enrolled') {
      codeField.hidden = submit.hidden = true;
      if (passkey.hidden) error.replaceChildren(ENROL_HINT, ' ', h('a', { href: '#/security', on: { click: close } }, 'Open Security'));
    }
  }, () => {});
}

interface Status {
  approver: string;
  totp: { state: 'none' | 'pending' | 'enrolled'; enrolled_at: string | null };
  passkeys: { id: string; created_at: string | null; last_used_at: string | null }[];
}

export function mountSecurity(root: HTMLElement): () => void {
  const body = h('div', { class: 'step-up-body' });
  const keys = h('div', { class: 'passkeys-body' });
  replace(
    root,
    h(
      'div',
      { class: 'page' },
      h('h2', null, 'Security'),
      h('section', { class: 'card', 'aria-labelledby': 'totp-title' }, h('h3', { id: 'totp-title' }, 'Authenticator app'), h('p', { class: 'muted' }, 'Requests the server marks high-risk need a second factor to approve: the 6-digit code from an authenticator app (on every channel), or a passkey (here on the dashboard). Denying never does.'), body),
      h('section', { class: 'card', 'aria-labelledby': 'passkeys-title' }, h('h3', { id: 'passkeys-title' }, 'Passkeys'), keys),
    ),
  );
  let alive = true;

  const showPasskeys = (s: Status) => {
    const error = h('p', { class: 'form-error', role: 'alert' });
    const add = h('button', { type: 'button', class: 'btn primary', 'data-act': 'passkey-add', disabled: !passkeysSupported() }, 'Add a passkey');
    add.addEventListener('click', () => {
      add.disabled = true;
      addPasskey<Status>().then((n) => (toast('Passkey added'), show(n)), (e) => ((error.textContent = (e as Error).message), (add.disabled = false)));
    });
    const rows = s.passkeys.map((p) =>
      h('li', { class: 'passkey', 'data-id': p.id }, `Added ${p.created_at ? when(p.created_at) : ''}${p.last_used_at ? ` · last used ${when(p.last_used_at)}` : ' · not used yet'} `, h('button', { type: 'button', class: 'btn small deny', on: { click: () => void api<Status>('DELETE', `/v1/step-up/passkeys/${encodeURIComponent(p.id)}`).then((n) => (toast('Passkey removed'), show(n)), (e) => (error.textContent = (e as Error).message)) } }, 'Remove')),
    );
    replace(keys, rows.length ? h('ul', { class: 'passkeys' }, ...rows) : h('p', { class: 'muted' }, passkeysSupported() ? 'None yet.' : 'This browser cannot use passkeys.'), error, add);
  };

  const show = (s: Status) => {
    if (!alive) return;
    showPasskeys(s);
    if (s.totp.state === 'enrolled') {
      const input = codeInput('totp-remove-code');
      const error = h('p', { class: 'form-error', role: 'alert' });
      const form = h('form', { class: 'totp-remove' }, h('div', { class: 'field' }, h('label', { for: 'totp-remove-code' }, 'A current code, to remove it'), input), error, h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn deny' }, 'Remove')));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const parsed = parseCode(input.value);
        if ('error' in parsed) return void (error.textContent = parsed.error);
        api<Status>('POST', '/v1/step-up/totp/remove', { code: parsed.code }).then((n) => (toast('Authenticator app removed'), show(n)), (e) => (error.textContent = (e as Error).message));
      });
      replace(body, h('p', { class: 'totp-state', 'data-state': 'enrolled' }, `Set up ${s.totp.enrolled_at ? when(s.totp.enrolled_at) : ''}.`), form);
      return;
    }
    const start = h('button', { type: 'button', class: 'btn primary', 'data-act': 'totp-start' }, s.totp.state === 'pending' ? 'Start again' : 'Set up an authenticator app');
    start.addEventListener('click', () => void api<Status & { secret: string; qr_png: string; otpauth_uri: string }>('POST', '/v1/step-up/totp').then(enrol, (e) => toast((e as Error).message, 'error')));
    replace(body, h('p', { class: 'totp-state', 'data-state': s.totp.state }, s.totp.state === 'pending' ? 'A set-up was started and not confirmed.' : ENROL_HINT), start);
  };

  const enrol = (e: Status & { secret: string; qr_png: string }) => {
    const input = codeInput('totp-confirm-code');
    const error = h('p', { class: 'form-error', role: 'alert' });
    const form = h('form', { class: 'totp-confirm' }, h('div', { class: 'field' }, h('label', { for: 'totp-confirm-code' }, 'The code the app shows now'), input), error, h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn primary', 'data-act': 'totp-confirm' }, 'Confirm')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const parsed = parseCode(input.value);
      if ('error' in parsed) return void (error.textContent = parsed.error);
      api<Status>('POST', '/v1/step-up/totp/confirm', { code: parsed.code }).then((n) => (toast('Authenticator app set up'), show(n)), (err) => (error.textContent = (err as Error).message));
    });
    replace(
      body,
      h('p', null, 'Scan this with your authenticator app, or type the key in. It is shown only now.'),
      h('img', { src: e.qr_png, alt: 'QR code of the authenticator key', class: 'totp-qr', width: 240, height: 240 }),
      h('p', null, 'Key: ', h('code', { class: 'totp-secret' }, e.secret)),
      form,
    );
    input.focus();
  };

  api<Status>('GET', '/v1/step-up').then(show, (e) => replace(body, h('p', { class: 'form-error' }, (e as Error).message)));
  return () => {
    alive = false;
  };
}
