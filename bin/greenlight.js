#!/usr/bin/env node
// `greenlight hook <host>` runs on every tool call: load only the hook, not the whole CLI.
if (process.argv[2] === 'hook') {
  const { runHookCli } = await import('../dist/src/cli/hook.js');
  process.exitCode = await runHookCli(process.argv.slice(3));
} else {
  // The server's young generation stays small while its modules load (src/heap-sizing.ts).
  if (process.argv[2] === 'serve') (await import('../dist/src/heap-sizing.js')).holdYoungGeneration();
  const { main } = await import('../dist/src/cli/main.js');
  try {
    const code = await main(process.argv.slice(2));
    if (typeof code === 'number') process.exitCode = code;
  } catch (err) {
    console.error(err?.stack ?? String(err));
    process.exitCode = 1;
  }
}
