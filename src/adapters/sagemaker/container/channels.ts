import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../engine/errors.js';

/** Channels tried, in order, when no `channel` hyperparameter names one. */
const DEFAULT_CHANNELS = ['train', 'training'];

/**
 * The folder (or single file) holding the ratings of the chosen channel. inputdataconfig.json
 * lists the job's channels; each one's data sits in `<root>/input/data/<channel>/`, the S3
 * prefix copied with its key structure. Pipe mode streams through FIFOs, which reckit does not
 * read: it asks for File or FastFile instead. A folder holding nothing but one sub-folder (an S3
 * prefix such as `s3://bucket/data/ml-100k/`) is looked into.
 */
export function channelPath(
  dataRoot: string,
  config: Record<string, unknown> | undefined,
  wanted: string | undefined,
): { channel: string; path: string } {
  const configured = config ? Object.keys(config) : listDirs(dataRoot);
  const channel =
    wanted ??
    DEFAULT_CHANNELS.find((c) => configured.includes(c)) ??
    (configured.length === 1 ? configured[0] : undefined);
  if (channel === undefined) {
    throw new InputError(
      configured.length === 0
        ? 'no input channel: give the job a "train" channel with the ratings, or input_table + warehouse hyperparameters'
        : `channels ${configured.join(', ')}: none is "train" or "training"; name one with the channel hyperparameter`,
    );
  }
  if (config && !(channel in config)) {
    throw new InputError(
      `channel "${channel}" is not in inputdataconfig.json (channels: ${Object.keys(config).join(', ') || 'none'})`,
    );
  }
  const mode = (config?.[channel] as { TrainingInputMode?: unknown } | undefined)?.TrainingInputMode;
  if (mode === 'Pipe') {
    throw new InputError(`channel "${channel}" uses TrainingInputMode Pipe; reckit reads files: use File or FastFile`);
  }
  let path = join(dataRoot, channel);
  if (!existsSync(path)) {
    throw new InputError(`channel "${channel}": ${path} does not exist (no data was delivered for it)`);
  }
  for (;;) {
    if (!statSync(path).isDirectory()) break;
    const entries = readdirSync(path).filter((f) => !f.startsWith('.'));
    if (entries.length === 0) throw new InputError(`channel "${channel}": ${path} is empty`);
    const only = entries.length === 1 ? join(path, entries[0]!) : undefined;
    if (!only || !statSync(only).isDirectory()) break;
    path = only;
  }
  return { channel, path };
}

function listDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory());
}
