// The OpenCode plugin `greenlight install opencode` points OpenCode at. It runs inside OpenCode
// (Bun) and needs nothing but fetch and the environment (GREENLIGHT_URL, GREENLIGHT_KEY).
// - tool.execute.before: every tool call asks the gate (POST /v1/hooks/opencode, waiting for a
//   human within the usual hook wait). A deny throws — OpenCode does not run the call and hands the
//   message to the model; an approver's edit of a shell command is written into the call's args.
// - permission.asked (OpenCode's own permission prompt, e.g. `"bash": "ask"` in opencode.json): for
//   a call the gate already let through, the plugin answers the prompt "once" so nobody is asked
//   twice; every other prompt is left to OpenCode.
// OpenCode 1.18 declares a `permission.ask` plugin hook but never calls it (seen with the real CLI,
// test/hosts/opencode.test.ts), so the gate sits in tool.execute.before.
import { askGate } from './command-hook.cjs';

interface ToolInput {
  tool: string;
  sessionID: string;
  callID: string;
}
interface PermissionAsked {
  id: string;
  sessionID: string;
  tool?: { callID?: string };
}
interface PluginContext {
  client: { postSessionIdPermissionsPermissionId(o: { path: { id: string; permissionID: string }; body: { response: 'once' | 'always' | 'reject' } }): Promise<unknown> };
  directory: string;
}

const MAX_REMEMBERED = 1000;

export const GreenlightPlugin = async ({ client, directory }: PluginContext) => {
  /** Calls the gate allowed, by OpenCode call id (bounded: oldest forgotten first). */
  const allowed = new Set<string>();
  return {
    'tool.execute.before': async (input: ToolInput, output: { args: Record<string, unknown> }) => {
      const payload = { hook_event_name: 'tool.execute.before', session_id: input.sessionID, call_id: input.callID, tool_name: input.tool, tool_input: output.args, cwd: directory };
      const answer = JSON.parse(await askGate('opencode', JSON.stringify(payload), process.env)) as { decision?: string; reason?: string; updated_input?: Record<string, unknown> };
      if (answer.decision !== 'allow') throw new Error(answer.reason ?? 'Greenlight: not approved.');
      if (answer.updated_input) {
        for (const k of Object.keys(output.args)) delete output.args[k];
        Object.assign(output.args, answer.updated_input);
      }
      allowed.add(input.callID);
      if (allowed.size > MAX_REMEMBERED) allowed.delete(allowed.values().next().value as string);
    },
    event: async ({ event }: { event: { type: string; properties: unknown } }) => {
      if (event.type !== 'permission.asked') return;
      const p = event.properties as PermissionAsked;
      const callID = p.tool?.callID;
      if (!callID || !allowed.has(callID)) return;
      allowed.delete(callID);
      await client.postSessionIdPermissionsPermissionId({ path: { id: p.sessionID, permissionID: p.id }, body: { response: 'once' } });
    },
  };
};
