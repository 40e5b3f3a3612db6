import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Model } from '../../../engine/model/model.js';

const STAGING_PREFIX = '.reckit-staging-';

/**
 * The model directory is written to a hidden staging folder inside `<root>/model` (the same
 * file system, so moving it is a rename), and its files are moved to the folder's root only
 * when the whole run has succeeded: a stopped or failed run leaves `<root>/model` as it found
 * it. `<root>/model` itself is never renamed: on the platform it may be a mount point.
 */
export class ModelStage {
  private constructor(
    readonly modelDir: string,
    readonly dir: string,
  ) {}

  /** Removes staging folders a killed run left (only reckit's own, by name) and starts a new one. */
  static async open(modelDir: string): Promise<ModelStage> {
    await mkdir(modelDir, { recursive: true });
    for (const f of await readdir(modelDir)) {
      // `..reckit-staging-*.tmp-*`: the temp folder model.save writes beside the staging folder.
      if (f.startsWith(STAGING_PREFIX) || f.startsWith(`.${STAGING_PREFIX}`))
        await rm(join(modelDir, f), { recursive: true, force: true });
    }
    return new ModelStage(modelDir, join(modelDir, `${STAGING_PREFIX}${randomBytes(4).toString('hex')}`));
  }

  /** Saves the model into the staging folder; returns the metrics model.json records. */
  async save(model: Model): Promise<Record<string, number> | undefined> {
    await model.save(this.dir);
    const meta = JSON.parse(await readFile(join(this.dir, 'model.json'), 'utf8')) as {
      metrics?: Record<string, number>;
    };
    return meta.metrics;
  }

  /** Moves the staged files to the model folder's root (model.json last, so it names complete files). */
  async commit(): Promise<string[]> {
    const files = (await readdir(this.dir)).sort((a, b) => Number(a === 'model.json') - Number(b === 'model.json'));
    for (const f of files) await rename(join(this.dir, f), join(this.modelDir, f));
    await rm(this.dir, { recursive: true, force: true });
    return files;
  }

  async discard(): Promise<void> {
    if (existsSync(this.dir)) await rm(this.dir, { recursive: true, force: true });
  }
}
