import type { Command } from 'commander';
import { parseColumnMapping } from '../../../engine/data/guess-columns.js';
import { normalizeDelimiter } from '../../../engine/data/ratings-layout.js';
import { InputError } from '../../../engine/errors.js';
import type { LoadDatasetOptions } from '../../datasets/load-dataset.js';

/** The flags of every command that reads a ratings file (datasets info, train, evaluate). */
export interface LoaderFlags {
  skipBad?: boolean | undefined;
  columns?: string | undefined;
  delimiter?: string | undefined;
  header?: boolean | undefined;
  scale?: string | undefined;
}

export function addLoaderFlags(command: Command): Command {
  return command
    .option('--skip-bad', 'skip malformed rating rows and report how many were skipped')
    .option(
      '--columns <map>',
      'generic files: user=COL,item=COL,rating=COL[,timestamp=COL] (names or 0-based positions)',
    )
    .option('--delimiter <d>', 'generic files: field delimiter (",", tab, "|", ";", "::")')
    .option('--no-header', 'generic files: the first line is data')
    .option('--scale <min..max>', 'generic files: declared rating scale; ratings outside are bad rows');
}

/** The flags as loadDataset options (parsed, so a bad flag fails before any data is read). */
export function loaderOptions(f: LoaderFlags): LoadDatasetOptions {
  return {
    skipBad: f.skipBad,
    columns: f.columns ? parseColumnMapping(f.columns) : undefined,
    delimiter: f.delimiter ? normalizeDelimiter(f.delimiter) : undefined,
    header: f.header === false ? false : undefined,
    scale: f.scale ? parseScale(f.scale) : undefined,
  };
}

export function parseScale(text: string): { min: number; max: number } {
  const m = /^\s*(-?[\d.]+)\s*(?:\.\.|-|,)\s*(-?[\d.]+)\s*$/.exec(text);
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || !Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
    throw new InputError(`--scale "${text}": expected MIN..MAX, e.g. 1..5 or 0.5..5`);
  }
  return { min, max };
}
