import { backend, defaultThreads } from '../../engine/kernels/registry.js';
import type { CaseResult, SuiteOptions } from '../bench-case.js';
import { measureSideBySide, type TimedCase } from '../harness.js';
import { factorFixture, fixtureSize } from './factor-fixture.js';
import { mlMatrixTopN } from './ml-matrix-top-n.js';
import { fixtureModel, reckitTopN } from './reckit-top-n.js';
import { loadTfjs, tfjsTopN } from './tfjs-top-n.js';
import { type TopNLists, topNAgreement } from './top-n-select.js';

interface Shape {
  dataset: string;
  nUsers: number;
  nItems: number;
  /** Run the pure-JS lines (reckit reference, ml-matrix) here; off where they would take minutes. */
  slowPeers: boolean;
  /** Timed runs of the lines that take many seconds per run here (no warm-up for them). */
  slowRuns?: number | undefined;
  /** Same cap for tfjs, single-threaded wasm (tens of seconds on the ML-25M slice). */
  tfjsRuns?: number | undefined;
}

const N = 10;
const FACTORS = 100;

/**
 * Shapes of real data sets with seeded random factors (speed depends on shape only). The ML-25M
 * row scores a 2,048-user slice against all 59,047 items: every peer does the same slice, so the
 * ratio is fair, and a full 162,541-user run is in the topn suite (reckit alone).
 */
function shapes(quick: boolean): Shape[] {
  if (quick) return [{ dataset: 'ml-latest-small shape', nUsers: 610, nItems: 9742, slowPeers: true, slowRuns: 1 }];
  return [
    { dataset: 'ml-latest-small shape', nUsers: 610, nItems: 9742, slowPeers: true, slowRuns: 3 },
    { dataset: 'ML-1M shape', nUsers: 6040, nItems: 3706, slowPeers: true, slowRuns: 1, tfjsRuns: 3 },
    { dataset: 'ML-25M items, 2,048-user slice', nUsers: 2048, nItems: 59047, slowPeers: false, tfjsRuns: 2 },
  ];
}

/** One shape: reckit native, reckit reference, tfjs-wasm and ml-matrix, alternating. */
async function runShape(s: Shape, o: SuiteOptions): Promise<CaseResult[]> {
  const f = factorFixture(s.nUsers, s.nItems, FACTORS, 42);
  const size = fixtureSize(f);
  const group = `top-${N} all users, ${s.dataset}`;
  const threads = defaultThreads();
  const tf = await loadTfjs(threads);
  const native = fixtureModel(f, backend('native'));
  const reference = fixtureModel(f, backend('reference'));
  const outputs = new Map<string, TopNLists>();
  const keep = (name: string) => (r: TopNLists) => {
    outputs.set(name, r);
    return undefined;
  };
  const base = { group, dataset: s.dataset, size };
  const cases: TimedCase[] = [
    {
      ...base,
      name: 'reckit native',
      impl: 'reckit',
      backend: 'native',
      threads,
      run: async () => keep('reckit native')(await reckitTopN(native, N, threads)),
    },
    {
      ...base,
      name: 'tfjs matMul + topk',
      impl: tf.backend === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu',
      backend: tf.backend,
      threads: tf.threads,
      notes: tf.notes,
      maxRuns: s.tfjsRuns,
      run: async () => keep('tfjs matMul + topk')(await tfjsTopN(tf, f, N)),
    },
  ];
  if (s.slowPeers) {
    cases.push(
      {
        ...base,
        name: 'reckit reference (pure TS)',
        impl: 'reckit-reference',
        backend: 'reference',
        threads: 1,
        maxRuns: s.slowRuns,
        run: async () => keep('reckit reference (pure TS)')(await reckitTopN(reference, N, 1)),
      },
      {
        ...base,
        name: 'ml-matrix mmul + JS select',
        impl: 'ml-matrix',
        backend: 'js float64',
        threads: 1,
        // The pure-JS lines take seconds per run: once each in the CI variant keeps it short.
        maxRuns: s.slowRuns,
        run: () => keep('ml-matrix mmul + JS select')(mlMatrixTopN(f, N)),
      },
    );
  }
  const runs = o.runs ?? (o.quick ? 2 : 5);
  const results = await measureSideBySide('topn-peers', cases, { warmup: 1, runs });
  // Agreement with a float64 reference ranking says the fast lines rank what the slow ones rank.
  // Shapes without the pure-JS lines get no agreement figure rather than a minute of ml-matrix.
  const truth = outputs.get('ml-matrix mmul + JS select');
  for (const r of truth ? results : []) {
    const out = outputs.get(r.name);
    if (out && truth && !r.error) r.metrics[`agreement@${N}`] = topNAgreement(truth, out);
  }
  return results;
}

/** The topn-peers suite: every shape in turn (quick: the ml-latest-small shape only). */
export async function runTopNPeers(o: SuiteOptions): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const s of shapes(o.quick)) out.push(...(await runShape(s, o)));
  return out;
}
