import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../../engine/errors.js';

/**
 * The folders of SageMaker's /opt/ml tree as reckit's container uses them
 * (docs/sagemaker-container.md). RECKIT_OPT_ML names another root, for tests and the local
 * SageMaker, which lay out temporary trees.
 */
export interface OptMl {
  root: string;
  hyperparameters: string;
  inputDataConfig: string;
  /** Lower-case on the real platform (`resourceConfig.json` is a common mistake). */
  resourceConfig: string;
  /** `<root>/input/data`: one folder per channel. */
  data: string;
  /** Everything here is tarred into model.tar.gz. */
  model: string;
  /** Other artifacts (tarred into output.tar.gz): the top-N file goes here. */
  outputData: string;
  /** Its first 1024 characters become the job's FailureReason. */
  failure: string;
}

export function optMl(env: NodeJS.ProcessEnv = process.env): OptMl {
  const root = env.RECKIT_OPT_ML || '/opt/ml';
  const config = join(root, 'input', 'config');
  return {
    root,
    hyperparameters: join(config, 'hyperparameters.json'),
    inputDataConfig: join(config, 'inputdataconfig.json'),
    resourceConfig: join(config, 'resourceconfig.json'),
    data: join(root, 'input', 'data'),
    model: join(root, 'model'),
    outputData: join(root, 'output', 'data'),
    failure: join(root, 'output', 'failure'),
  };
}

/**
 * A JSON object from one of the config files; `undefined` when the file is absent and optional
 * (SageMaker always writes all three, local runs may not). Anything but an object is an InputError.
 */
export async function readConfigObject(path: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(path)) {
    if (required) throw new InputError(`${path}: missing (the platform writes it before starting "train")`);
    return undefined;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(`${path}: expected a JSON object, got ${Array.isArray(doc) ? 'an array' : typeof doc}`);
  }
  return doc as Record<string, unknown>;
}
