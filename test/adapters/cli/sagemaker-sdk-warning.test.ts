import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { quietSdkNodeVersionWarning } from '../../../src/adapters/cli/commands/sagemaker-config.js';
import { built, RECKIT_CLI, runNode } from '../../support/node-process.js';

const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
const oldNode = Number(process.versions.node.split('.')[0]) < 22;

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await new Promise<number>((r) =>
    s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)),
  );
  await new Promise((r) => s.close(r));
  return port;
}

describe('the AWS SDK NodeVersionSupportWarning', () => {
  test('is switched off through the SDK switch only when the user has not set it', () => {
    const env: NodeJS.ProcessEnv = {};
    quietSdkNodeVersionWarning(env);
    expect(env).toEqual({ [SWITCH]: 'true' });
    const theirs: NodeJS.ProcessEnv = { [SWITCH]: 'false' };
    quietSdkNodeVersionWarning(theirs);
    expect(theirs[SWITCH]).toBe('false');
  });

  test.skipIf(!built('adapters/cli/commands/sagemaker.js') || !oldNode)(
    '`reckit sagemaker` no longer prints it on Node < 22; other warnings still print',
    async () => {
      const args = [RECKIT_CLI, 'sagemaker', 'delete', '--endpoint', 'nope', '--endpoint-url'];
      const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', [SWITCH]: undefined };
      const quiet = await runNode([...args, `http://127.0.0.1:${await closedPort()}`], { env });
      expect(quiet.code).toBe(2);
      expect(quiet.stderr).toMatch(/cannot reach/);
      expect(quiet.stderr).not.toMatch(/NodeVersionSupportWarning/);
      // The same command with the switch set off by the user: the SDK's notice is back, so the
      // check above is about reckit's switch, not an SDK that stopped warning.
      const loud = await runNode([...args, `http://127.0.0.1:${await closedPort()}`], {
        env: { ...env, [SWITCH]: 'false' },
      });
      expect(loud.stderr).toMatch(/NodeVersionSupportWarning/);
      // Other process warnings are untouched (Node prints them as before).
      const other = await runNode([...args, `http://127.0.0.1:${await closedPort()}`], {
        env: { ...env, NODE_OPTIONS: `--require=${resolve('test/support/emit-warning.cjs')}` },
      });
      expect(other.stderr).toMatch(/reckit-test-warning/);
      expect(other.stderr).not.toMatch(/NodeVersionSupportWarning/);
    },
  );
});
