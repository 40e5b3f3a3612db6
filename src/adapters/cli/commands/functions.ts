import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../../engine/errors.js';
import { type CliContext, emit } from '../context.js';
import { type BackendFlags, backendFromFlags, backendOptions } from './functions-backend.js';

/**
 * `reckit functions serve`: Snowflake's three External Functions over plain HTTP (the same core
 * as the exported Lambda handler). The shared secret comes from an environment variable, never a
 * flag, so it stays out of shell history and process lists; it is never printed.
 */
export function registerFunctions(program: Command, ctx: CliContext): void {
  const fn = program
    .command('functions')
    .description('Snowflake External Functions: train_and_get_recommendations, deploy_model, invoke_model');
  const serve = fn
    .command('serve')
    .description('serve the three functions over HTTP (POST /<function>, async GET polls for training)')
    .option('--warehouse <spec>', 'where the tables are: snowflake:CONNECTION or duckdb:PATH', 'snowflake:')
    .option('--port <n>', 'port (0 = any free port)', '8080')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--state-dir <dir>', 'batch state and models (keep it across restarts)', join('.reckit', 'functions'))
    .option(
      '--secret-env <name>',
      'environment variable holding the shared secret (HEADERS clause)',
      'RECKIT_FUNCTIONS_SECRET',
    )
    .option('--no-secret', 'accept calls without the shared secret (only behind a proxy that authenticates)')
    .option('--folds <n>', 'local: cross-validation folds before each training (0 skips)', '0')
    .option('--json', 'print the listening line as JSON');
  backendOptions(serve).action(
    async (
      o: BackendFlags & {
        port: string;
        host: string;
        secretEnv: string;
        secret: boolean;
        json?: boolean;
      },
    ) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InputError(`--port ${o.port}: expected 0..65535`);
      const secret = o.secret ? process.env[o.secretEnv] : undefined;
      if (o.secret && !secret) {
        throw new InputError(
          `$${o.secretEnv} is empty: set the shared secret there (or pass --no-secret behind an authenticating proxy)`,
        );
      }
      const { createFunctionsCore } = await import('../../snowflake/functions-core.js');
      const { serveFunctions } = await import('../../snowflake/http-server.js');
      const backend = await backendFromFlags(o);
      const core = createFunctionsCore({ backend, stateDir: o.stateDir, secret, log: (l) => ctx.err(`${l}\n`) });
      const s = await serveFunctions(core, { port, host: o.host });
      const info = {
        event: 'listening',
        url: s.url,
        backend: backend.kind,
        warehouse: o.warehouse,
        stateDir: o.stateDir,
        secret: secret ? `from $${o.secretEnv}` : 'none',
      };
      emit(
        ctx,
        o.json,
        info,
        () =>
          `reckit functions: listening on ${s.url} (${backend.kind} backend, tables in ${o.warehouse}, state in ${o.stateDir}, shared secret ${info.secret})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        ctx.signal.addEventListener('abort', stop, { once: true });
      });
      await s.close();
      await core.idle();
      await backend.close();
    },
  );
}
