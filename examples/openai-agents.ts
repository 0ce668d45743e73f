// An OpenAI Agents SDK agent whose `deploy` tool asks Greenlight first.
//   GREENLIGHT_URL=... GREENLIGHT_KEY=... OPENAI_API_KEY=... node dist/examples/openai-agents.js
// In your project import from 'greenlight/client' instead of '../src/client/index.js'.
import { Agent, Runner, tool, type Model } from '@openai/agents';
import { z } from 'zod';
import { createClient, openaiAgentsApprovals, type GreenlightClient } from '../src/client/index.js';

export async function runDeployAgent(client: GreenlightClient, options: { model?: Model | string; input?: string } = {}) {
  const approvals = openaiAgentsApprovals(client, { timeoutSec: 300 });
  const deployed: string[] = [];
  const deploy = tool({
    name: 'deploy',
    description: 'Deploy the service to an environment.',
    parameters: z.object({ env: z.string() }),
    needsApproval: approvals.needsApproval('deploy'),
    execute: async ({ env }) => {
      deployed.push(env);
      return `deployed to ${env}`;
    },
  });
  const agent = new Agent({ name: 'deployer', instructions: 'Deploy when asked.', tools: [deploy], model: options.model });
  const runner = new Runner({ tracingDisabled: true });
  let result = await runner.run(agent, options.input ?? 'Deploy to prod.');
  // Each interruption is a tool call Greenlight's policy did not approve: wait for the human.
  while (result.interruptions?.length) {
    await approvals.resolve(result);
    result = await runner.run(agent, result.state);
  }
  return { output: result.finalOutput, deployed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = createClient({ url: process.env.GREENLIGHT_URL ?? 'http://127.0.0.1:8787', key: process.env.GREENLIGHT_KEY ?? '' });
  console.log(await runDeployAgent(client));
}
