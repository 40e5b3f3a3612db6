import { rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { unpackArchive } from '../client/model-archive.js';
import { ContainerProcess } from './container-process.js';
import { freePort } from './free-port.js';
import type { LocalContext } from './local-context.js';
import { createOptMlTree, type OptMlTree } from './opt-ml-tree.js';

/** SageMaker's per-attempt /ping timeout (docs/sagemaker-local.md, "Endpoints"). */
export const PING_TIMEOUT_MS = 2000;

export interface FleetSpec {
  /** Names the fleet in logs and temp folders (endpoint/variant or transform job). */
  label: string;
  modelDataUrl: string | undefined;
  environment: Record<string, string>;
  count: number;
  startupTimeoutMs: number;
}

export interface Instance {
  port: number;
  process: ContainerProcess;
}

/**
 * InitialInstanceCount serving containers of one model: ModelDataUrl downloaded and extracted
 * into a temporary <root>/model, then `serve` started once per instance on a free loopback port
 * (SAGEMAKER_BIND_TO_PORT) and health-polled on /ping until it answers 200.
 */
export class ServingFleet {
  private turn = 0;

  private constructor(
    readonly instances: Instance[],
    private readonly tree: OptMlTree,
    private readonly ctx: LocalContext,
  ) {}

  static async start(ctx: LocalContext, spec: FleetSpec): Promise<ServingFleet> {
    const tree = await createOptMlTree(join(ctx.root, 'serving'), spec.label.replace(/[^\w-]/g, '_'));
    const fleet = new ServingFleet([], tree, ctx);
    try {
      if (spec.modelDataUrl) {
        const archive = join(tree.root, 'model.tar.gz');
        await writeFile(archive, await ctx.store.read(spec.modelDataUrl));
        await unpackArchive(archive, tree.model).catch((e: Error) => {
          throw new Error(`ModelDataUrl ${spec.modelDataUrl} is not a readable .tar.gz (${e.message})`);
        });
        await rm(archive);
      }
      for (let i = 0; i < spec.count; i++) {
        const port = await freePort();
        const env = {
          ...process.env,
          ...spec.environment,
          RECKIT_OPT_ML: tree.root,
          SAGEMAKER_BIND_TO_PORT: String(port),
          RECKIT_BIND_HOST: '127.0.0.1',
        };
        const child = new ContainerProcess(ctx.container, 'serve', env, (line) =>
          ctx.log(`[${spec.label}/${i + 1}] ${line}`),
        );
        fleet.instances.push({ port, process: child });
      }
      await Promise.all(fleet.instances.map((x) => waitHealthy(x, spec.startupTimeoutMs)));
      return fleet;
    } catch (error) {
      await fleet.stop(0);
      throw error;
    }
  }

  /** The next instance, round robin (SageMaker balances requests across a variant's instances). */
  next(): Instance {
    const x = this.instances[this.turn++ % this.instances.length]!;
    return x;
  }

  /** SIGTERM every container (SIGKILL after the grace period), then removes the temporary tree. */
  async stop(graceMs = this.ctx.servingStopGraceMs): Promise<void> {
    await Promise.all(this.instances.map((x) => x.process.stop(graceMs)));
    await rm(this.tree.root, { recursive: true, force: true });
  }
}

async function waitHealthy(x: Instance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!x.process.running) {
      throw new Error(
        `The primary container for production variant exited before passing the ping health check; last output: ${x.process.output().slice(-600)}`,
      );
    }
    if (await ping(x.port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `The primary container did not pass the ping health check within ${Math.round(timeoutMs / 1000)} s. Please check CloudWatch logs for this endpoint.`,
  );
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', method: 'GET', timeout: PING_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
