/** One named series of (x, y) points (a line) or values per category (bars). */
export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface ChartFrame {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number | undefined;
  height?: number | undefined;
}

/** Colour-blind-safe palette (Okabe-Ito). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
const M = { left: 70, right: 20, top: 40, bottom: 92 };

/** A line chart with labelled axes, ticks and a legend, as an inline <svg> element. */
export function lineChart(frame: ChartFrame, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points);
  const xs = niceScale(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const ys = niceScale(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const c = canvas(frame);
  const x = (v: number) => M.left + ((v - xs.min) / (xs.max - xs.min || 1)) * c.plotW;
  const y = (v: number) => M.top + c.plotH - ((v - ys.min) / (ys.max - ys.min || 1)) * c.plotH;
  const body = series.map((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    const dots = s.points.map(
      (p) => `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="2.5" fill="${colour}"/>`,
    );
    return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>${dots.join('')}`;
  });
  return wrap(
    frame,
    c,
    axes(
      frame,
      c,
      xs.ticks.map((t) => [x(t), fmt(t)]),
      ys.ticks.map((t) => [y(t), fmt(t)]),
    ),
    body.join(''),
    series.map((s) => s.name),
  );
}

/** Grouped bars: one group per category, one bar per series (series[k].points[i][1] for category i). */
export function barChart(frame: ChartFrame, categories: readonly string[], series: readonly Series[]): string {
  const values = series.flatMap((s) => s.points.map((p) => p[1]));
  const ys = niceScale(Math.min(0, ...values), Math.max(...values));
  const c = canvas(frame);
  const y = (v: number) => M.top + c.plotH - ((v - ys.min) / (ys.max - ys.min || 1)) * c.plotH;
  const groupW = c.plotW / Math.max(1, categories.length);
  const barW = (groupW * 0.8) / Math.max(1, series.length);
  const bars: string[] = [];
  series.forEach((s, k) => {
    s.points.forEach((p, i) => {
      const x0 = M.left + i * groupW + groupW * 0.1 + k * barW;
      const top = y(Math.max(0, p[1]));
      const h = Math.abs(y(p[1]) - y(0));
      bars.push(
        `<rect x="${x0.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[k % COLOURS.length]}"><title>${esc(`${s.name} ${categories[i]}: ${fmt(p[1])}`)}</title></rect>`,
      );
    });
  });
  const xTicks: [number, string][] = categories.map((name, i) => [M.left + (i + 0.5) * groupW, name]);
  return wrap(
    frame,
    c,
    axes(
      frame,
      c,
      xTicks,
      ys.ticks.map((t) => [y(t), fmt(t)]),
    ),
    bars.join(''),
    series.length > 1 ? series.map((s) => s.name) : [],
  );
}

function canvas(frame: ChartFrame): { w: number; h: number; plotW: number; plotH: number } {
  const w = frame.width ?? 560;
  const h = frame.height ?? 340;
  return { w, h, plotW: w - M.left - M.right, plotH: h - M.top - M.bottom };
}

function axes(
  frame: ChartFrame,
  c: { w: number; h: number; plotW: number; plotH: number },
  xTicks: [number, string][],
  yTicks: [number, string][],
): string {
  const x0 = M.left;
  const y0 = M.top + c.plotH;
  const parts = [
    `<line x1="${x0}" y1="${M.top}" x2="${x0}" y2="${y0}" stroke="#333"/>`,
    `<line x1="${x0}" y1="${y0}" x2="${x0 + c.plotW}" y2="${y0}" stroke="#333"/>`,
    ...yTicks.map(
      ([py, label]) =>
        `<line x1="${x0}" y1="${py.toFixed(1)}" x2="${x0 + c.plotW}" y2="${py.toFixed(1)}" stroke="#ddd"/><text x="${x0 - 6}" y="${(py + 4).toFixed(1)}" text-anchor="end">${esc(label)}</text>`,
    ),
    ...xTicks.map(
      ([px, label]) =>
        `<line x1="${px.toFixed(1)}" y1="${y0}" x2="${px.toFixed(1)}" y2="${y0 + 5}" stroke="#333"/><text x="${px.toFixed(1)}" y="${y0 + 18}" text-anchor="middle">${esc(label)}</text>`,
    ),
    `<text x="${x0 + c.plotW / 2}" y="${y0 + 40}" text-anchor="middle" class="axis">${esc(frame.xLabel)}</text>`,
    `<text transform="translate(16 ${M.top + c.plotH / 2}) rotate(-90)" text-anchor="middle" class="axis">${esc(frame.yLabel)}</text>`,
    `<text x="${c.w / 2}" y="22" text-anchor="middle" class="title">${esc(frame.title)}</text>`,
  ];
  return parts.join('');
}

function wrap(
  frame: ChartFrame,
  c: { w: number; h: number },
  axesSvg: string,
  body: string,
  legend: readonly string[],
): string {
  // Legend entries flow left to right and wrap (about 6.5 px per character at 11 px).
  const placed: { x: number; row: number }[] = [];
  let lx = M.left;
  let row = 0;
  for (const name of legend) {
    const w = 24 + name.length * 6.5;
    if (lx + w > c.w - M.right && lx > M.left) {
      lx = M.left;
      row++;
    }
    placed.push({ x: lx, row });
    lx += w + 12;
  }
  const items = legend.map((name, k) => {
    const p = placed[k]!;
    const ly = c.h - 14 - (row - p.row) * 17;
    return `<rect x="${p.x}" y="${ly - 9}" width="12" height="12" fill="${COLOURS[k % COLOURS.length]}"/><text x="${p.x + 17}" y="${ly + 1}">${esc(name)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${c.w} ${c.h}" width="${c.w}" height="${c.h}" role="img" aria-label="${esc(frame.title)}">${axesSvg}${body}${items.join('')}</svg>`;
}

/** About five round ticks covering [lo, hi]. */
function niceScale(lo: number, hi: number): { min: number; max: number; ticks: number[] } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1, ticks: [0, 1] };
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { min, max, ticks };
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return Math.abs(v) >= 10_000 ? v.toLocaleString('en-US') : String(v);
  return Number(v.toPrecision(4)).toString();
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
