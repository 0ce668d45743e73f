// Opt-in browser notifications: nothing is asked until the approver clicks "Notify me".
import { h } from './dom.js';
import { showInvisible } from '../../text/invisible.js';
import type { Req } from './types.js';

const PREF = 'greenlight.notify';

const supported = () => typeof Notification !== 'undefined';
const enabled = () => supported() && Notification.permission === 'granted' && localStorage.getItem(PREF) === 'on';

export function notifyButton(): HTMLElement {
  const btn = h('button', { type: 'button', class: 'btn small', 'data-act': 'notify', 'aria-pressed': String(enabled()) });
  const label = () => {
    btn.textContent = !supported() ? 'No notifications here' : enabled() ? 'Notifications on' : Notification.permission === 'denied' ? 'Notifications blocked' : 'Notify me';
    btn.setAttribute('aria-pressed', String(enabled()));
    btn.disabled = !supported() || Notification.permission === 'denied';
  };
  btn.addEventListener('click', async () => {
    if (!supported()) return;
    if (enabled()) {
      localStorage.setItem(PREF, 'off');
    } else {
      const p = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      localStorage.setItem(PREF, p === 'granted' ? 'on' : 'off');
    }
    label();
  });
  label();
  return btn;
}

/** Shows a notification for a new request when the approver opted in and is looking elsewhere. */
export function notifyNew(r: Req): void {
  if (!enabled() || document.visibilityState === 'visible') return;
  const n = new Notification(showInvisible(`Approval needed: ${r.agent}`), { body: showInvisible(r.title.slice(0, 200)), tag: r.id });
  n.onclick = () => {
    window.focus();
    location.hash = `#/queue/${encodeURIComponent(r.id)}`;
    n.close();
  };
}
