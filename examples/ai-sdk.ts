// A Vercel AI SDK v5 tool whose execute asks Greenlight first.
//   GREENLIGHT_URL=... GREENLIGHT_KEY=... node dist/examples/ai-sdk.js  (with a real model wired in)
// In your project import from 'greenlight/client' instead of '../src/client/index.js'.
import { generateText, stepCountIs, tool, type LanguageModel } from 'ai';
import { z } from 'zod';
import { toolApproval, type GreenlightClient } from '../src/client/index.js';

export async function runWithAiSdk(client: GreenlightClient, model: LanguageModel, prompt = 'Delete the staging database.') {
  const dropped: string[] = [];
  const dropDatabase = toolApproval(
    client,
    tool({
      description: 'Drop a database.',
      inputSchema: z.object({ name: z.string() }),
      execute: async ({ name }: { name: string }) => {
        dropped.push(name);
        return `dropped ${name}`;
      },
    }),
    { name: 'drop_database', title: (input) => `Drop database ${input.name}` },
  );
  const result = await generateText({ model, prompt, tools: { drop_database: dropDatabase }, stopWhen: stepCountIs(3) });
  return { text: result.text, dropped, steps: result.steps };
}
