import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../../../src/adapters/sagemaker/node-flags.js';
import { startNode } from '../../../support/node-process.js';

export const entrypoint = resolve('bin/reckit-container.js');
/** The entrypoint runs from dist/; the tests skip (saying why) when it is not built. */
export const built = existsSync(resolve('dist/adapters/sagemaker/container/entrypoint.js'));
export const notBuilt = built ? '' : ' (dist/ not built: run npx tsc -p tsconfig.build.json)';

export interface TreeOptions {
  /** hyperparameters.json as written (string values, as the platform writes them). */
  hyperparameters?: Record<string, string> | undefined;
  /** Channel name -> files to link into input/data/<channel>/ (optionally under a sub-folder). */
  channels?: Record<string, { files: string[]; under?: string | undefined }> | undefined;
  /** Channels listed in inputdataconfig.json (default: the keys of `channels`). */
  configured?: string[] | undefined;
  inputMode?: 'File' | 'FastFile' | 'Pipe' | undefined;
  hosts?: string[] | undefined;
  currentHost?: string | undefined;
}

/**
 * A temp folder laid out as SageMaker lays out /opt/ml for `train`: the three config files
 * (lower-case resourceconfig.json), channel data, and empty model/ and output/data/. Dataset
 * files are symlinked, never copied.
 */
export function optMlTree(o: TreeOptions = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'reckit-opt-ml-'));
  const config = join(root, 'input', 'config');
  mkdirSync(config, { recursive: true });
  mkdirSync(join(root, 'model'));
  mkdirSync(join(root, 'output', 'data'), { recursive: true });
  writeFileSync(join(config, 'hyperparameters.json'), JSON.stringify(o.hyperparameters ?? {}));
  const channels = o.channels ?? {};
  const configured = o.configured ?? Object.keys(channels);
  const dataConfig: Record<string, unknown> = {};
  for (const c of configured) {
    dataConfig[c] = {
      TrainingInputMode: o.inputMode ?? 'File',
      S3DistributionType: 'FullyReplicated',
      RecordWrapperType: 'None',
    };
  }
  writeFileSync(join(config, 'inputdataconfig.json'), JSON.stringify(dataConfig));
  const hosts = o.hosts ?? ['algo-1'];
  writeFileSync(
    join(config, 'resourceconfig.json'),
    JSON.stringify({ current_host: o.currentHost ?? hosts[0], hosts, network_interface_name: 'eth0' }),
  );
  for (const [name, c] of Object.entries(channels)) {
    const dir = join(root, 'input', 'data', name, c.under ?? '');
    mkdirSync(dir, { recursive: true });
    for (const f of c.files) symlinkSync(f, join(dir, basename(f)));
  }
  return root;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node --no-memory-reducer bin/reckit-container.js <mode>` over `root`, as the image's ENTRYPOINT does. */
export function runEntrypoint(
  mode: 'train' | 'serve',
  root: string,
  o: { env?: Record<string, string>; onStdout?: (text: string, child: ChildProcess) => void } = {},
): { child: ChildProcess; done: Promise<Run> } {
  const p = startNode([entrypoint, ...(mode === undefined ? [] : [mode])], {
    nodeFlags: SERVER_NODE_FLAGS,
    env: { RECKIT_OPT_ML: root, ...o.env },
    onStdout: o.onStdout,
  });
  const done = p.exit.then((code) => ({ code, signal: p.child.signalCode, stdout: p.stdout(), stderr: p.stderr() }));
  return { child: p.child, done };
}
