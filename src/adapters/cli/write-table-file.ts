import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DataType, type Table, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { InputError } from '../../engine/errors.js';
import { fileError } from './file-args.js';

export const TABLE_FILE_FORMATS = ['.csv', '.jsonl', '.parquet', '.arrow'] as const;

/**
 * Writes a flat Arrow table (numbers and strings) to FILE by its extension: .csv (header row,
 * RFC 4180 quoting), .jsonl (one object per row), .parquet (hyparquet-writer) or .arrow (IPC file).
 * Atomic: the bytes go to a temp file beside FILE, then a rename puts them in place.
 */
export async function writeTableFile(path: string, table: Table): Promise<{ bytes: number; format: string }> {
  const format = extname(path).toLowerCase();
  const bytes = encode(format, table, path);
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw fileError(error, path);
  }
  return { bytes: bytes.byteLength, format: format.slice(1) };
}

/** The output format FILE's extension names; InputError for any other. */
export function tableFileFormat(path: string): string {
  const format = extname(path).toLowerCase();
  if (!(TABLE_FILE_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(`${path}: unknown output format "${format}"; use one of ${TABLE_FILE_FORMATS.join(', ')}`);
  }
  return format;
}

function encode(format: string, table: Table, path: string): Uint8Array {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => table.getChild(n)?.toArray() as ArrayLike<number | string>);
  switch (format) {
    case '.arrow':
      return tableToIPC(table, 'file');
    case '.parquet': {
      const columnData = table.schema.fields.map((f, c) => ({
        name: f.name,
        data: Array.from(columns[c]!),
        type: parquetType(f.type),
      }));
      return new Uint8Array(parquetWriteBuffer({ columnData }));
    }
    case '.csv': {
      const lines = [names.map(csvField).join(',')];
      for (let r = 0; r < table.numRows; r++) lines.push(columns.map((c) => csvField(c[r]!)).join(','));
      return Buffer.from(`${lines.join('\n')}\n`);
    }
    case '.jsonl': {
      const lines: string[] = [];
      for (let r = 0; r < table.numRows; r++) {
        const row: Record<string, number | string> = {};
        names.forEach((n, c) => {
          row[n] = columns[c]?.[r] as number | string;
        });
        lines.push(JSON.stringify(row));
      }
      return Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
    }
    default:
      throw new InputError(`${path}: unknown output format "${format}"; use one of ${TABLE_FILE_FORMATS.join(', ')}`);
  }
}

function parquetType(t: DataType): 'INT32' | 'FLOAT' | 'DOUBLE' | 'STRING' {
  if (DataType.isInt(t)) return 'INT32';
  if (DataType.isFloat(t)) return t.precision === 1 ? 'FLOAT' : 'DOUBLE';
  return 'STRING';
}

function csvField(v: number | string): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
