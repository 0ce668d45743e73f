// How big `greenlight serve` lets V8's young generation grow (docs/operations.md, "Memory").
//
// New objects are born in the young generation: two semi-spaces that V8 doubles, from 1 MB up to
// 16 MB each on 64-bit Node, whenever many objects survive a scavenge. Left alone it grows to its
// full 32 MB twice without need: at start-up, when everything loaded lives on (modules, config,
// statements) and is copied about until it is promoted, and under load, where a semi-space of 8 MB
// costs next to nothing over 16 MB (docs/benchmarks.md: GC time per request) and 4 MB or less costs
// several per cent. Node can only fix the maximum with a command-line flag, so the server steers
// V8's growth factor instead, which V8 reads each time it grows the space:
//
//   holdYoungGeneration()     before the server's modules load: no growth during start-up
//   limitYoungGeneration()    once it listens: growth up to YOUNG_SEMI_SPACE_MB, checked after
//                             every collection (V8 may shrink the space again when idle). The check
//                             runs when Node reports the collection, so a burst of survivors can
//                             grow it one doubling further first (at worst V8's own 16 MB); under
//                             a server's load, where most of what is allocated dies young, it holds
//
// An operator who sizes the young generation (NODE_OPTIONS=--max-semi-space-size=…) is obeyed:
// both do nothing then.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The largest semi-space the server grows to, in MB (V8's own limit is 16 on 64-bit). */
export const YOUNG_SEMI_SPACE_MB = 8;

const GROWS = '--semi-space-growth-factor=2'; // V8's default
const STAYS = '--semi-space-growth-factor=1';

/** Whether the operator sized the young generation on the command line or in NODE_OPTIONS. */
export function youngGenerationSizedByOperator(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => /^--(max[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)\b/.test(a));
}

/** Keeps the young generation at its initial size until limitYoungGeneration(). */
export function holdYoungGeneration(): void {
  if (!youngGenerationSizedByOperator()) setFlagsFromString(STAYS);
}

/** Both semi-spaces together, in bytes, as V8 has them committed now. */
function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** Lets the young generation grow as V8 sees fit, up to `semiSpaceMb` per semi-space. Returns a stop function. */
export function limitYoungGeneration(semiSpaceMb = YOUNG_SEMI_SPACE_MB): () => void {
  if (youngGenerationSizedByOperator()) return () => {};
  const limit = 2 * semiSpaceMb * 1024 * 1024;
  let growing: boolean | null = null;
  const steer = () => {
    const grow = youngGenerationBytes() < limit;
    if (grow !== growing) setFlagsFromString((growing = grow) ? GROWS : STAYS);
  };
  steer();
  // V8 grows the space at the end of a scavenge; the next one is steered by what this one left.
  const observer = new PerformanceObserver(steer);
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
