#!/usr/bin/env node
// Launches the TypeScript CLI directly: tsx's loader compiles src/ on the fly, so there is no
// build step between a checkout and a running server.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  ...(process.stderr.isTTY ? { progress: (text) => process.stderr.write(text) } : {}),
});
