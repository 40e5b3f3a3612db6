import { ALL_MECHANISMS, buildInferenceServer, type ServerMechanisms } from '../adapters/sagemaker/inference-server.js';
import { kernels } from '../engine/kernels/registry.js';
import { pairDot } from '../engine/kernels/ts/pair-dot.js';
import { FactorModel } from '../engine/model/factor-model.js';
import { factorModelData } from '../engine/model/factor-model-files.js';
import { readModelDir } from '../engine/model/model-dir.js';

/** What a budget case can turn off: one of the server's mechanisms, or the WebAssembly dot product. */
export type Mechanism = keyof ServerMechanisms | 'wasmDot';

/**
 * `node dist/bench/serve-variant.js <factor model dir> [mechanism to turn off]`: the inference
 * server of `reckit serve` on 127.0.0.1 (any free port) with one mechanism off, for the serve
 * bench's budget cases (serve-budget.bench.ts). Prints `listening on http://127.0.0.1:PORT`.
 */
async function main(dir: string, off: string | undefined): Promise<void> {
  const { meta, tables } = await readModelDir(dir);
  const data = await factorModelData(dir, meta, tables);
  const backend = kernels();
  // The TypeScript loop gives the same bits as the WebAssembly one (test/twins/pair-dot.test.ts).
  const model = new FactorModel(data, off === 'wasmDot' ? { ...backend, pairDot } : backend);
  const mechanisms = { ...ALL_MECHANISMS };
  if (off !== undefined && off !== 'wasmDot') {
    if (!Object.hasOwn(mechanisms, off)) throw new Error(`serve-variant: no mechanism "${off}"`);
    mechanisms[off as keyof ServerMechanisms] = false;
  }
  const server = buildInferenceServer(model, {}, mechanisms);
  const port = await server.listen(0, '127.0.0.1');
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  process.once('SIGTERM', () => void server.drain().then(() => process.exit(0)));
}

await main(process.argv[2] as string, process.argv[3]);
