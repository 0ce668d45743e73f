// Building DOM safely: every piece of data becomes a text node or an attribute value, never HTML.
// There is no innerHTML anywhere in the client. Every text goes through the one shared
// showInvisible (src/text/invisible.ts, compiled into this build too): bidi overrides, zero-width
// and other invisible characters are shown as marks like ⟪U+202E⟫, so what the approver reads is
// what runs. Form values (`value`) stay raw: they are what is sent back.
import { hex, segments, showInvisible } from '../../text/invisible.js';

export type Child = Node | string | number | null | undefined | false;
type Handler = (ev: any) => void;

export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | Handler | Record<string, Handler>;
}

/** Only in-app links: a `#/...` route, or a path on this server. */
function safeHref(v: string): string {
  return /^(#|\/(?!\/))/.test(v) ? v : '#/';
}

/** Attributes a person reads (tooltips, labels read aloud). */
const SHOWN_ATTRS = new Set(['title', 'aria-label', 'placeholder', 'alt']);

/**
 * Text as nodes: plain runs as text nodes, each invisible character as a visible mark
 * (`<span class="invisible-char">⟪U+202E⟫</span>`, styled to stand out).
 */
export function textNodes(text: string): Node {
  const parts = segments(text);
  if (parts.length === 1 && parts[0].codePoint === undefined) return document.createTextNode(text);
  const frag = document.createDocumentFragment();
  for (const p of parts) {
    if (p.codePoint === undefined) frag.appendChild(document.createTextNode(p.text));
    else {
      const mark = document.createElement('span');
      mark.className = 'invisible-char';
      mark.title = `Invisible character U+${hex(p.codePoint)} in the text as sent`;
      mark.textContent = p.text;
      frag.appendChild(mark);
    }
  }
  return frag;
}

/** `h('button', { class: 'btn', on: { click } }, 'Approve')`. Attribute values are set, not parsed. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'on') {
        for (const [ev, fn] of Object.entries(v as Record<string, Handler>)) el.addEventListener(ev, fn);
      } else if (typeof v === 'function') {
        el.addEventListener(k.replace(/^on/, ''), v as Handler);
      } else if (k === 'href') {
        el.setAttribute('href', safeHref(String(v)));
      } else if (k === 'value' && 'value' in el) {
        (el as HTMLInputElement).value = String(v);
      } else if (SHOWN_ATTRS.has(k)) {
        el.setAttribute(k, showInvisible(String(v)));
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'required' || k === 'multiple') {
        (el as any)[k] = Boolean(v);
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? textNodes(c) : typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replace(el: Node, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}

export function $(sel: string, root: ParentNode = document): HTMLElement | null {
  return root.querySelector(sel);
}

/** Says something to screen readers (the polite live region in the shell). */
export function announce(text: string): void {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => (live.textContent = text), 30);
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** A short message at the bottom of the screen; errors are also announced assertively. */
export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  let box = document.getElementById('toast');
  if (!box) {
    box = h('div', { id: 'toast', class: 'toast', role: 'status' });
    document.body.appendChild(box);
  }
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.className = `toast show ${kind}`;
  box.textContent = showInvisible(text);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box!.classList.remove('show'), kind === 'error' ? 7000 : 3500);
}

/** A button that needs a second click within a few seconds to act (for wide or irreversible actions). */
export function confirmButton(label: string, confirmLabel: string, cls: string, act: () => void | Promise<void>): HTMLButtonElement {
  let armed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const btn = h('button', { type: 'button', class: cls }, label);
  btn.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      btn.textContent = confirmLabel;
      btn.classList.add('armed');
      timer = setTimeout(() => {
        armed = false;
        btn.textContent = label;
        btn.classList.remove('armed');
      }, 5000);
      return;
    }
    clearTimeout(timer);
    armed = false;
    btn.textContent = label;
    btn.classList.remove('armed');
    await act();
  });
  return btn;
}

/**
 * A data table. Each cell carries its column name (data-label), so on a phone the CSS can stack a
 * row into a small card instead of scrolling sideways.
 */
export function table(headers: string[], rows: { cells: Child[]; id?: string; cls?: string[] }[], cls = ''): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: `grid stack ${cls}`.trim(), role: 'table' },
      h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ...headers.map((t) => h('th', { scope: 'col', role: 'columnheader' }, t)))),
      h('tbody', { role: 'rowgroup' }, ...rows.map((r) => h('tr', { 'data-id': r.id, role: 'row' }, ...r.cells.map((c, i) => h('td', { 'data-label': headers[i] || null, class: r.cls?.[i] || null, role: 'cell' }, c))))),
    ),
  );
}
