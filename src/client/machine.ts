// The machine an agent-side process runs on, as requests name it (`host`): what an approver's
// "only on this host" grant is compared with. The command hook does the same inline
// (src/hooks/command-hook.cts), as it may import nothing of ours that is not import-free.
import { hostname } from 'node:os';

/** Same form the server accepts (src/core/request-input.ts HOSTNAME_PATTERN). */
const HOSTNAME = /^[A-Za-z0-9._-]{1,253}$/;

/** This machine's hostname, or undefined when it has a form the gate would refuse (then none is sent). */
export function machineHostname(): string | undefined {
  try {
    const name = hostname();
    return HOSTNAME.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
