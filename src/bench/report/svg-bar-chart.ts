/**
 * A small horizontal grouped bar chart as standalone SVG (no dependencies): one block per group,
 * one bar per series in it, a whisker from min to max, the median printed at the bar's end.
 * Horizontal bars keep long case names readable; a log axis is used when values span more than
 * `logAbove` times (bench cases run from milliseconds to minutes).
 */

export interface Bar {
  series: string;
  value: number;
  min?: number | undefined;
  max?: number | undefined;
  /** Text after the value, e.g. "2.4x slower". */
  note?: string | undefined;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChart {
  title: string;
  subtitle?: string | undefined;
  /** Axis title with its unit, e.g. "median time per run (s)". */
  axisLabel: string;
  unit: string;
  groups: BarGroup[];
  /** Series order and colours (legend). */
  series: { name: string; color: string }[];
  logAbove?: number | undefined;
}

const FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';
const CHAR_W = 0.6; // average glyph width / font size for DejaVu Sans, a safe upper estimate
const WIDTH = 1000;
const BAR_H = 16;
const BAR_GAP = 4;
const GROUP_GAP = 16;
const LABEL_FONT = 12;
const LABEL_CHARS = 36;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Splits a label into lines of at most `width` characters at spaces (hard cut for long words). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= width) line = next;
    else {
      if (line) lines.push(line);
      line = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** "0.0123 s", "1.23 s", "123 s": three significant figures. */
export function formatValue(v: number, unit: string): string {
  const s = v >= 100 ? v.toFixed(0) : v.toPrecision(3);
  return `${s} ${unit}`;
}

interface Scale {
  x(v: number): number;
  ticks: number[];
  log: boolean;
}

function makeScale(lo: number, hi: number, x0: number, x1: number, logAbove: number): Scale {
  const positiveLo = lo > 0 ? lo : hi / 1000;
  if (hi / positiveLo > logAbove) {
    // One more decade below when the smallest bar would sit on the axis (0.109 s on a 0.1 s origin).
    const l = Math.log10(positiveLo);
    const a = Math.floor(l) - (l - Math.floor(l) < 0.3 ? 1 : 0);
    const b = Math.ceil(Math.log10(hi));
    const span = Math.max(1, b - a);
    const ticks: number[] = [];
    for (let e = a; e <= a + span; e++) ticks.push(10 ** e);
    return { log: true, ticks, x: (v) => x0 + ((Math.log10(Math.max(v, 10 ** a)) - a) / span) * (x1 - x0) };
  }
  const step = niceStep(hi / 5);
  const top = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { log: false, ticks, x: (v) => x0 + (v / top) * (x1 - x0) };
}

function niceStep(raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw));
  const m = raw / e;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e;
}

function tickLabel(v: number, unit: string): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const s = abs >= 1e-3 && abs < 1e5 ? String(Number(v.toPrecision(6))) : v.toExponential(0);
  return `${s} ${unit}`;
}

export function renderBarChart(c: BarChart): string {
  const values = c.groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.max ?? b.value, b.min ?? b.value]));
  const hi = Math.max(...values.filter((v) => v > 0), 1e-9);
  const lo = Math.min(...values.filter((v) => v > 0), hi);
  const labelW = Math.ceil(LABEL_CHARS * CHAR_W * LABEL_FONT) + 16;
  const valueRoom = 210; // room right of the longest bar for "123 s · 12.3x"
  const x0 = labelW;
  const x1 = WIDTH - valueRoom;
  const scale = makeScale(lo, hi, x0, x1, c.logAbove ?? 20);

  // Legend: wrap entries into rows that fit the width.
  const legendItems: { name: string; color: string; x: number; row: number }[] = [];
  let lx = x0;
  let row = 0;
  for (const s of c.series) {
    const w = 18 + s.name.length * CHAR_W * 12 + 18;
    if (lx + w > WIDTH - 10 && lx > x0) {
      row++;
      lx = x0;
    }
    legendItems.push({ ...s, x: lx, row });
    lx += w;
  }
  const titleH = c.subtitle ? 52 : 34;
  const legendTop = titleH + 8;
  const plotTop = legendTop + (row + 1) * 20 + 12;

  const parts: string[] = [];
  let y = plotTop;
  const colorOf = new Map(c.series.map((s) => [s.name, s.color]));
  for (const g of c.groups) {
    const blockH = g.bars.length * (BAR_H + BAR_GAP) - BAR_GAP;
    const lines = wrap(g.label, LABEL_CHARS);
    const blockTextH = lines.length * 15;
    const h = Math.max(blockH, blockTextH);
    const ty = y + h / 2 - blockTextH / 2 + 11;
    lines.forEach((line, i) => {
      parts.push(
        `<text x="${x0 - 10}" y="${ty + i * 15}" text-anchor="end" font-size="${LABEL_FONT}" ${FONT} fill="#222">${esc(line)}</text>`,
      );
    });
    let by = y + (h - blockH) / 2;
    for (const b of g.bars) {
      const color = colorOf.get(b.series) ?? '#888';
      const w = Math.max(1, scale.x(b.value) - x0);
      parts.push(`<rect x="${x0}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${color}"/>`);
      if (b.min !== undefined && b.max !== undefined && b.max > b.min) {
        const a = scale.x(b.min);
        const z = scale.x(b.max);
        const my = by + BAR_H / 2;
        parts.push(
          `<path d="M${a.toFixed(1)} ${my}H${z.toFixed(1)}M${a.toFixed(1)} ${my - 4}V${my + 4}M${z.toFixed(1)} ${my - 4}V${my + 4}" stroke="#222" stroke-width="1"/>`,
        );
      }
      const end = Math.max(scale.x(b.value), b.max !== undefined ? scale.x(b.max) : 0);
      const text = `${formatValue(b.value, c.unit)}${b.note ? ` · ${b.note}` : ''}`;
      parts.push(
        `<text x="${(end + 6).toFixed(1)}" y="${by + 12}" font-size="11" ${FONT} fill="#222">${esc(text)}</text>`,
      );
      by += BAR_H + BAR_GAP;
    }
    y += h + GROUP_GAP;
  }
  const plotBottom = y - GROUP_GAP + 8;
  const height = plotBottom + 56;

  const axis: string[] = [];
  for (const t of scale.ticks) {
    const x = scale.x(t).toFixed(1);
    axis.push(`<line x1="${x}" y1="${plotTop - 6}" x2="${x}" y2="${plotBottom}" stroke="#ddd" stroke-width="1"/>`);
    axis.push(
      `<text x="${x}" y="${plotBottom + 16}" text-anchor="middle" font-size="11" ${FONT} fill="#444">${esc(tickLabel(t, c.unit))}</text>`,
    );
  }
  axis.push(`<line x1="${x0}" y1="${plotBottom}" x2="${x1}" y2="${plotBottom}" stroke="#444" stroke-width="1"/>`);
  axis.push(`<line x1="${x0}" y1="${plotTop - 6}" x2="${x0}" y2="${plotBottom}" stroke="#444" stroke-width="1"/>`);
  const axisTitle = `${c.axisLabel}${scale.log ? ', log scale' : ''}`;
  axis.push(
    `<text x="${((x0 + x1) / 2).toFixed(1)}" y="${plotBottom + 40}" text-anchor="middle" font-size="12" ${FONT} fill="#222">${esc(axisTitle)}</text>`,
  );

  const legend = legendItems.map(
    (l) =>
      `<rect x="${l.x.toFixed(1)}" y="${legendTop + l.row * 20}" width="12" height="12" fill="${l.color}"/>` +
      `<text x="${(l.x + 17).toFixed(1)}" y="${legendTop + l.row * 20 + 11}" font-size="12" ${FONT} fill="#222">${esc(l.name)}</text>`,
  );
  const head = [
    `<text x="16" y="24" font-size="16" font-weight="bold" ${FONT} fill="#111">${esc(c.title)}</text>`,
    c.subtitle ? `<text x="16" y="44" font-size="12" ${FONT} fill="#555">${esc(c.subtitle)}</text>` : '',
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...head,
    ...axis,
    ...parts,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
