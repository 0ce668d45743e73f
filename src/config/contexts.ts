// Contexts (config `contexts[]`) by the agent name their sessions file requests under. The name
// `context:<name>` has a colon, which no key's name may have, so no agent can pose as a context.
import type { Config, ContextConfig } from './schema.js';

export const contextAgent = (context: string): string => `context:${context}`;

/** The context a `context:<name>` agent runs in, if it is one. */
export function contextOfAgent(config: Pick<Config, 'contexts'>, agent: string | null): ContextConfig | undefined {
  return agent?.startsWith('context:') ? config.contexts.find((c) => contextAgent(c.name) === agent) : undefined;
}
