// Human-readable explanation of an evaluation (for `greenlight policy explain` / dry runs).
import type { Evaluation } from './types.js';

export function formatEvaluation(ev: Evaluation): string {
  const lines = [`verdict: ${ev.verdict}${ev.dangerous ? ' (DANGEROUS)' : ''}`];
  lines.push(`rule:    ${ev.rule ?? '(none)'}${ev.source ? ` [${ev.source}]` : ''}`);
  lines.push(`reason:  ${ev.reason.replaceAll('\n', '\n         ')}`);
  for (const d of ev.dangerReasons) lines.push(`danger:  ${d}`);
  if (ev.grantIds.length) lines.push(`grants:  ${ev.grantIds.join(', ')}`);
  if (ev.trace.length) {
    lines.push('trace:');
    for (const t of ev.trace) {
      const rule = t.rule ? ` ${t.rule}${t.source ? ` [${t.source}]` : ''}` : t.source ? ` [${t.source}]` : '';
      lines.push(`  ${t.verdict.padEnd(5)} ${t.subject}${rule} — ${t.reason}`);
    }
  }
  return lines.join('\n');
}
