// How long each agent host lets a hook run, as `greenlight install` writes it, and how long
// Greenlight waits for a human inside that budget. One table, read by the installer (the timeout
// it writes, in the host's own unit), the command hook and the hook endpoint (the default wait):
// a hook that waited past the host's timeout would be killed, and some hosts (Codex, Cursor
// without failClosed) let the tool run when a hook fails. Kept free of imports: the command hook
// loads it on every tool call.

interface HostLimit {
  /** The hook timeout the installer writes, in seconds. */
  timeoutSec: number;
  /** The unit the host's settings file takes the timeout in. */
  unit: 's' | 'ms';
  /** What the host does when no timeout is configured (seconds), for docs/hooks.md. */
  hostDefaultSec: number | null;
}

const HOST_LIMITS: Record<string, HostLimit> = {
  'claude-code': { timeoutSec: 60, unit: 's', hostDefaultSec: 600 },
  codex: { timeoutSec: 60, unit: 's', hostDefaultSec: 600 },
  gemini: { timeoutSec: 60, unit: 'ms', hostDefaultSec: 60 },
  cursor: { timeoutSec: 60, unit: 's', hostDefaultSec: null },
  // OpenCode runs Greenlight as an in-process plugin: no host timeout; the plugin's own wait.
  opencode: { timeoutSec: 60, unit: 's', hostDefaultSec: null },
};

/** Seconds left for the answer to travel back and the host to read it. */
const HOOK_MARGIN_SEC = 10;

/** The default wait for a human on `host`: inside the hook timeout the installer wrote. */
function defaultWaitSec(host: string): number {
  const limit = HOST_LIMITS[host];
  return limit ? Math.max(0, limit.timeoutSec - HOOK_MARGIN_SEC) : 50;
}

/** The timeout value to write into the host's settings (in its unit). */
function timeoutValue(host: string): number {
  const limit = HOST_LIMITS[host];
  return limit.unit === 'ms' ? limit.timeoutSec * 1000 : limit.timeoutSec;
}

/**
 * The wait a hook uses: what was asked for (GREENLIGHT_HOOK_WAIT_SEC / ?wait_sec), else the
 * default, never past the host's timeout minus the margin.
 */
function clampWaitSec(host: string, asked: number | null): number {
  const ceiling = defaultWaitSec(host);
  if (asked === null || !Number.isFinite(asked) || asked < 0) return ceiling;
  return Math.min(asked, ceiling);
}

export = { HOST_LIMITS, HOOK_MARGIN_SEC, defaultWaitSec, timeoutValue, clampWaitSec };
