import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeDirs } from '../../engine/model/make-dirs.js';
import { esc } from './svg-chart.js';

/** The reports' shared look: inline CSS only, so a page opens anywhere with no requests. */
const STYLE = `body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1160px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } .meta { color: #555; margin: 2px 0; }
table { border-collapse: collapse; margin: 16px 0; } th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: right; }
thead th { border-bottom: 2px solid #333; } tbody th { text-align: left; } tr.mean td, tr.mean th { font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } svg { background: #fff; border: 1px solid #e5e5e5; }
svg text { font: 11px system-ui, sans-serif; fill: #333; } svg text.title { font-size: 13px; font-weight: 600; } svg text.axis { font-size: 12px; }
code { background: #f4f4f4; padding: 1px 4px; overflow-wrap: anywhere; }`;

/** A self-contained HTML page; `body` is already escaped HTML, `title` is plain text. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
${STYLE}
</style></head><body>
${body}
</body></html>
`;
}

/** Writes a page atomically (temp file + rename): a reader never sees half a report. */
export async function writeHtmlFile(file: string, html: string): Promise<void> {
  await makeDirs(dirname(file));
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, html);
  await rename(tmp, file);
}
