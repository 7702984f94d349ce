/**
 * `npm start` on a machine where a port it wants is taken: it says which port, what it was for
 * and how to choose another, before building anything — not a raw EADDRINUSE stack.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from '../scripts/lib/run.ts';

let held: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve())));

const hold = async (port: number) => {
  held = createServer();
  await new Promise<void>((resolve) => held!.listen(port, '127.0.0.1', resolve));
};

const start = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/start.ts')], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });

describe('npm start with a busy port', () => {
  it('names the busy portal port and PORT, and exits 1 before building', async () => {
    const [portal, merchant, scriptTag] = [await freePort(), await freePort(), await freePort()];
    await hold(portal);
    const result = start({ PORT: String(portal), MERCHANT_PORT: String(merchant), SCRIPT_TAG_PORT: String(scriptTag) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`port ${portal} (the portal server) is already in use`);
    expect(result.stderr).toContain(`PORT=${portal + 1}`);
    expect(result.stderr).not.toContain('EADDRINUSE');
    expect(result.stdout).not.toContain('Building the elements');
  });

  it('names MERCHANT_PORT for the merchant example, and refuses a port that is not a number', async () => {
    const [portal, merchant, scriptTag] = [await freePort(), await freePort(), await freePort()];
    await hold(merchant);
    const busy = start({ PORT: String(portal), MERCHANT_PORT: String(merchant), SCRIPT_TAG_PORT: String(scriptTag) });
    expect(busy.status).toBe(1);
    expect(busy.stderr).toContain(`port ${merchant} (the merchant example) is already in use`);
    expect(busy.stderr).toContain('MERCHANT_PORT=');
    const bad = start({ PORT: 'eighty' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('PORT must be a port number');
  });
});
