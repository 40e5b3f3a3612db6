import type { CaseResult } from '../bench-case.js';
import type { BenchRun } from '../bench-run.js';
import { ratios } from '../harness.js';
import { seriesName, seriesNames } from './charts.js';

const fmtTime = (s: number) => (s >= 100 ? s.toFixed(0) : s >= 0.001 ? s.toPrecision(3) : s.toExponential(2));

function fmtMetric(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(4);
}

function fmtRatio(q: number): string {
  return `${q >= 10 ? q.toFixed(0) : q.toFixed(2)}×`;
}

/** Ratios grouped by peer (legend name without the thread count, so reckit variants stay apart). */
function byPeer(rs: BenchRun['ratios']): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of rs) m.set(r.peer, [...(m.get(r.peer) ?? []), r.ratio]);
  return m;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The per-case table: one row per case, the peer/reckit ratio last. */
export function casesTable(cases: readonly CaseResult[]): string {
  const ratio = ratios(cases);
  const names = seriesNames(cases);
  const head =
    '| suite | case group | implementation | dataset / size | threads | median s | min s | max s | peak RSS MiB | figures | peer/reckit |';
  const rule = '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |';
  const rows = cases.map((r) => {
    const t = r.seconds;
    const figures = Object.entries(r.metrics)
      .map(([k, v]) => `${k} ${fmtMetric(v)}`)
      .join(', ');
    const q = ratio.get(r);
    return [
      r.suite,
      r.group,
      r.error ? `${names.get(r)} **ERROR**` : names.get(r)!,
      `${r.dataset}; ${r.size}`,
      String(r.threads),
      t ? fmtTime(t.median) : '-',
      t ? fmtTime(t.min) : '-',
      t ? fmtTime(t.max) : '-',
      r.peakRssMiB === null ? '-' : r.peakRssMiB.toFixed(0),
      r.error ? `error: ${r.error}` : figures || '-',
      q === undefined ? '' : `${q.toFixed(2)}×`,
    ]
      .map(cell)
      .join(' | ');
  });
  return [head, rule, ...rows.map((r) => `| ${r} |`)].join('\n');
}

/** results.md (and the body of BENCHMARKS.md): machine, tables, bands, absent peers, quoted figures. */
export function renderMarkdown(run: BenchRun, charts: { suite: string; path: string }[] = []): string {
  const m = run.machine;
  const out: string[] = [];
  out.push(`# reckit benchmarks (${run.mode} run)`, '');
  out.push(
    `Run ${run.startedAt} to ${run.finishedAt} on **${m.name}**: ${m.cpuModel}, ${m.cores} logical cores` +
      `${m.cpuFlags.length ? ` (${m.cpuFlags.join(', ')})` : ''}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}.`,
    '',
  );
  if (run.loadAverage) {
    const { start, end } = run.loadAverage;
    const busy = Math.max(start, end) > m.cores;
    out.push(
      `1-minute load average: ${start.toFixed(1)} at the start, ${end.toFixed(1)} at the end` +
        (busy
          ? ` (above the ${m.cores} cores: other jobs shared the machine, so absolute times are pessimistic; ratios within a group are fairer since runs alternate).`
          : '.'),
      '',
    );
  }
  if (run.native && !run.native.loaded) {
    out.push(
      `> **The native addon did not load** (${run.native.error ?? 'unknown error'}): every reckit row ran the`,
      '> TypeScript reference kernels. Build it (`npx node-gyp rebuild`) for native figures.',
      '',
    );
  }
  out.push(
    `Versions: ${Object.entries(run.versions)
      .map(([k, v]) => `${k} ${v ?? 'not installed'}`)
      .join(', ')}.`,
    '',
  );
  out.push(
    'Each case: warm-up run(s), then timed runs; peers in a group run alternately with reckit in the same',
    'process and run, so noise hits both. Times are seconds per run; "peer/reckit" is the peer median over',
    'the reckit median of the same group (above 1: reckit is faster). Peak RSS is the process high-water',
    'mark during the case (peers in a child process report their own). The scikit-learn child runs with',
    'OMP_WAIT_POLICY=PASSIVE (unless set), so its idle OpenMP threads do not spin through the next reckit run.',
    '',
  );
  if (run.suiteSeconds) {
    const parts = Object.entries(run.suiteSeconds).map(([s, t]) => `${s} ${t.toFixed(0)} s`);
    out.push(`Wall time per suite: ${parts.join(', ')}.`, '');
  }
  for (const c of charts) out.push(`![${c.suite}](${c.path})`, '');
  out.push('## Measured', '', casesTable(run.cases), '');
  if (run.ratios.length > 0) {
    out.push('### Against each peer (peer time / reckit time, same run; above 1: reckit is faster)', '');
    out.push('| peer | groups | geometric mean | lowest | highest |', '| --- | ---: | ---: | ---: | ---: |');
    for (const [peer, qs] of byPeer(run.ratios)) {
      const geo = Math.exp(qs.reduce((a, q) => a + Math.log(q), 0) / qs.length);
      out.push(
        `| ${cell(peer)} | ${qs.length} | ${fmtRatio(geo)} | ${fmtRatio(Math.min(...qs))} | ${fmtRatio(Math.max(...qs))} |`,
      );
    }
    out.push('');
    out.push('### Ratios per case group', '');
    for (const r of run.ratios) out.push(`- ${r.suite}, ${r.group}: ${r.peer} ${r.ratio.toFixed(2)}×`);
    out.push('');
  }
  const errors = run.cases.filter((r) => r.error);
  if (errors.length > 0) {
    out.push('### Errors', '');
    for (const r of errors) out.push(`- ${r.suite} / ${r.group} / ${r.name}: ${r.error}`);
    out.push('');
  }
  const notes = run.cases.filter((r) => r.notes && !r.error);
  if (notes.length > 0) {
    out.push('### Notes on cases', '');
    const seen = new Set<string>();
    for (const r of notes) {
      const line = `- ${seriesName(r)} (${r.suite}): ${r.notes}`;
      if (!seen.has(line)) out.push(line);
      seen.add(line);
    }
    out.push('');
  }
  out.push('## Accuracy bands (CI fails outside them)', '');
  if (run.bands.length === 0) out.push('No band applied to the suites of this run.');
  else {
    out.push('| band | metric | band | value | result |', '| --- | --- | --- | ---: | --- |');
    for (const b of run.bands) {
      out.push(
        `| ${cell(b.band)} | ${b.metric} | [${b.lo}, ${b.hi}] | ${b.value === null ? '-' : b.value.toFixed(4)} | ${b.ok ? 'ok' : `**FAIL**: ${cell(b.why)}`} |`,
      );
    }
  }
  out.push('');
  out.push('## Peers not run here', '');
  if (run.absentPeers.length === 0) out.push('Every side-by-side peer ran.');
  for (const a of run.absentPeers) out.push(`- **${a.peer}**: ${a.reason}`);
  out.push('');
  out.push(
    '## Quoted references (NOT measured in this run)',
    '',
    'Peers that cannot be installed on this machine. Figures are quoted with their source and machine;',
    'compare with care: different machines, and no ratio is computed from them.',
    '',
    '| peer | what | data | figure | machine | source |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const q of run.quoted) {
    out.push(`| ${[q.peer, q.what, q.data, q.figure, q.machine, q.source].map(cell).join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}
