// A line diff (longest common subsequence) for Edit previews: old_string → new_string.
import { h } from './dom.js';

export type DiffLine = { kind: 'same' | 'del' | 'ins'; text: string };

const MAX_CELLS = 4_000_000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Trim the common head and tail so big files with small edits stay cheap.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const mid: DiffLine[] = [];
  if ((A.length + 1) * (B.length + 1) > MAX_CELLS) {
    for (const t of A) mid.push({ kind: 'del', text: t });
    for (const t of B) mid.push({ kind: 'ins', text: t });
  } else {
    const n = A.length;
    const m = B.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = A[i] === B[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && A[i] === B[j]) {
        mid.push({ kind: 'same', text: A[i] });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        mid.push({ kind: 'del', text: A[i++] });
      } else {
        mid.push({ kind: 'ins', text: B[j++] });
      }
    }
  }
  return [...a.slice(0, head).map((text) => ({ kind: 'same' as const, text })), ...mid, ...a.slice(a.length - tail).map((text) => ({ kind: 'same' as const, text }))];
}

const SIGN = { same: ' ', del: '-', ins: '+' } as const;

export function diffBlock(before: string, after: string, label = 'Changes'): HTMLElement {
  const lines = diffLines(before, after);
  const code = h('code');
  for (const l of lines) code.appendChild(h('span', { class: `diff-${l.kind}` }, `${SIGN[l.kind]} ${l.text}\n`));
  const dels = lines.filter((l) => l.kind === 'del').length;
  const ins = lines.filter((l) => l.kind === 'ins').length;
  return h('figure', { class: 'diff' }, h('figcaption', { class: 'muted' }, `${label}: `, h('span', { class: 'diff-count-del' }, `−${dels}`), ' ', h('span', { class: 'diff-count-ins' }, `+${ins}`)), h('pre', { class: 'code scroll', tabindex: 0, 'aria-label': label }, code));
}
