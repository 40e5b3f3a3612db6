// Stage-2 learners of the stacking experiment: logistic regression (Newton) and LambdaMART
// (gradient-boosted regression trees on lambda gradients of nDCG). Groups: { x: number[][], y }.

function standardiser(groups) {
  const d = groups[0].x[0].length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  let n = 0;
  for (const g of groups)
    for (const r of g.x) {
      n++;
      for (let f = 0; f < d; f++) mean[f] += r[f];
    }
  for (let f = 0; f < d; f++) mean[f] /= n;
  for (const g of groups) for (const r of g.x) for (let f = 0; f < d; f++) sd[f] += (r[f] - mean[f]) ** 2;
  for (let f = 0; f < d; f++) sd[f] = Math.sqrt(sd[f] / n) || 1;
  return (r) => {
    const z = new Float64Array(d + 1);
    for (let f = 0; f < d; f++) z[f] = (r[f] - mean[f]) / sd[f];
    z[d] = 1;
    return z;
  };
}

/** Pointwise logistic regression, L2 on the standardised weights, 12 Newton steps. */
export function fitLogistic(groups, { l2 = 1 } = {}) {
  const z = standardiser(groups);
  const rows = [];
  const ys = [];
  for (const g of groups)
    g.x.forEach((r, c) => {
      rows.push(z(r));
      ys.push(g.y[c]);
    });
  const d = rows[0].length;
  const w = new Float64Array(d);
  for (let it = 0; it < 12; it++) {
    const grad = new Float64Array(d);
    const hess = new Float64Array(d * d);
    rows.forEach((x, n) => {
      let s = 0;
      for (let f = 0; f < d; f++) s += w[f] * x[f];
      const p = 1 / (1 + Math.exp(-s));
      const q = p * (1 - p);
      for (let f = 0; f < d; f++) {
        grad[f] += (p - ys[n]) * x[f];
        for (let e = 0; e <= f; e++) hess[f * d + e] += q * x[f] * x[e];
      }
    });
    for (let f = 0; f < d - 1; f++) {
      grad[f] += l2 * w[f];
      hess[f * d + f] += l2;
    }
    hess[(d - 1) * d + d - 1] += 1e-9;
    for (let f = 0; f < d; f++) for (let e = 0; e < f; e++) hess[e * d + f] = hess[f * d + e];
    const step = solve(hess, grad, d);
    for (let f = 0; f < d; f++) w[f] -= step[f];
  }
  return linearScorer(z, w);
}

/** Scores rows with weights `w` over the standardised features `z(row)` (both linear learners). */
function linearScorer(z, w) {
  return (x) =>
    Float64Array.from(x, (r) => {
      const v = z(r);
      let s = 0;
      for (let f = 0; f < w.length; f++) s += w[f] * v[f];
      return s;
    });
}

function solve(a, b, n) {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
    [x[c], x[p]] = [x[p], x[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / m[c * n + c];
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    for (let k = c + 1; k < n; k++) x[c] -= m[c * n + k] * x[k];
    x[c] /= m[c * n + c];
  }
  return x;
}

/** Quantile bin edges per feature (at most `bins` bins). */
function binEdges(rows, d, bins) {
  const edges = [];
  for (let f = 0; f < d; f++) {
    const vals = Float64Array.from(rows, (r) => r[f]).sort();
    const e = [];
    for (let b = 1; b < bins; b++) {
      const v = vals[Math.floor((b * vals.length) / bins)];
      if (e.length === 0 || v > e[e.length - 1]) e.push(v);
    }
    edges.push(Float64Array.from(e));
  }
  return edges;
}

function binOf(edges, v) {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo; // bin b holds edges[b-1] <= v < edges[b]
}

/** Lambda gradients (d loss / d s) and hessians of one group at scores s (binary labels, nDCG). */
function lambdas(s, y, trunc, grad, hess, off) {
  const n = s.length;
  const order = Array.from(s.keys()).sort((p, q) => s[q] - s[p]);
  const rank = new Int32Array(n);
  order.forEach((i, r) => {
    rank[i] = r;
  });
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += y[i];
  if (nPos === 0 || nPos === n) return;
  let idcg = 0;
  for (let r = 0; r < Math.min(nPos, trunc); r++) idcg += 1 / Math.log2(r + 2);
  for (let i = 0; i < n; i++) {
    if (!y[i]) continue;
    for (let j = 0; j < n; j++) {
      if (y[j]) continue;
      if (rank[i] >= trunc && rank[j] >= trunc) continue;
      const delta = Math.abs(1 / Math.log2(rank[i] + 2) - 1 / Math.log2(rank[j] + 2)) / idcg;
      const rho = 1 / (1 + Math.exp(s[i] - s[j]));
      grad[off + i] -= rho * delta;
      grad[off + j] += rho * delta;
      const h = rho * (1 - rho) * delta;
      hess[off + i] += h;
      hess[off + j] += h;
    }
  }
}

/** LambdaMART: leaf-wise regression trees on histogram bins, Newton leaf values. */
export function fitLambdaMart(groups, o) {
  const { trees = 100, leaves = 16, learningRate = 0.05, minLeaf = 50, truncation = 20, bins = 64, l2 = 1 } = o;
  const rows = groups.flatMap((g) => g.x);
  const d = rows[0].length;
  const N = rows.length;
  const edges = binEdges(rows, d, bins);
  const binned = new Uint8Array(N * d);
  rows.forEach((r, n) => {
    for (let f = 0; f < d; f++) binned[n * d + f] = binOf(edges[f], r[f]);
  });
  const offs = [];
  let off = 0;
  for (const g of groups) {
    offs.push(off);
    off += g.x.length;
  }
  const score = new Float64Array(N);
  if (o.init) for (const [q, g] of groups.entries()) score.set(o.init(g.x), offs[q]);
  const forest = [];
  const grad = new Float64Array(N);
  const hess = new Float64Array(N);
  for (let t = 0; t < trees; t++) {
    grad.fill(0);
    hess.fill(0);
    groups.forEach((g, q) => {
      lambdas(score.subarray(offs[q], offs[q] + g.x.length), g.y, truncation, grad, hess, offs[q]);
    });
    const tree = growTree({ binned, d, edges, grad, hess, N, leaves, minLeaf, l2 });
    for (let n = 0; n < N; n++) score[n] += learningRate * predictTree(tree, rows[n]);
    forest.push(tree);
  }
  return (x) =>
    Float64Array.from(o.init ? o.init(x) : new Float64Array(x.length), (s0, n) => {
      let s = s0;
      for (const tree of forest) s += learningRate * predictTree(tree, x[n]);
      return s;
    });
}

function predictTree(tree, r) {
  let node = tree;
  while (node.leaf === undefined) node = r[node.feature] < node.threshold ? node.left : node.right;
  return node.leaf;
}

function growTree({ binned, d, edges, grad, hess, N, leaves, minLeaf, l2 }) {
  const all = new Int32Array(N);
  for (let n = 0; n < N; n++) all[n] = n;
  const leafValue = (idx) => {
    let g = 0;
    let h = 0;
    for (const n of idx) {
      g += grad[n];
      h += hess[n];
    }
    return -g / (h + l2);
  };
  const root = { idx: all, leaf: leafValue(all) };
  root.split = bestSplit(root.idx);
  const open = [root];
  let count = 1;
  while (count < leaves) {
    let pick = -1;
    for (let k = 0; k < open.length; k++)
      if (open[k].split && (pick < 0 || open[k].split.gain > open[pick].split.gain)) pick = k;
    if (pick < 0 || open[pick].split.gain <= 0) break;
    const node = open[pick];
    const { feature, bin } = node.split;
    const li = [];
    const ri = [];
    for (const n of node.idx) (binned[n * d + feature] < bin ? li : ri).push(n);
    node.feature = feature;
    node.threshold = edges[feature][bin - 1];
    const left = { idx: Int32Array.from(li), leaf: 0 };
    const right = { idx: Int32Array.from(ri), leaf: 0 };
    left.leaf = leafValue(left.idx);
    right.leaf = leafValue(right.idx);
    left.split = bestSplit(left.idx);
    right.split = bestSplit(right.idx);
    node.left = left;
    node.right = right;
    node.leaf = undefined;
    node.idx = undefined;
    open.splice(pick, 1, left, right);
    count++;
  }
  for (const n of open) {
    n.idx = undefined;
    n.split = undefined;
  }
  return root;

  function bestSplit(idx) {
    if (idx.length < 2 * minLeaf) return undefined;
    let G = 0;
    let H = 0;
    for (const n of idx) {
      G += grad[n];
      H += hess[n];
    }
    const parent = (G * G) / (H + l2);
    let best;
    for (let f = 0; f < d; f++) {
      const nb = edges[f].length + 1;
      const hg = new Float64Array(nb);
      const hh = new Float64Array(nb);
      const hc = new Int32Array(nb);
      for (const n of idx) {
        const b = binned[n * d + f];
        hg[b] += grad[n];
        hh[b] += hess[n];
        hc[b]++;
      }
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 1; b < nb; b++) {
        gl += hg[b - 1];
        hl += hh[b - 1];
        cl += hc[b - 1];
        const cr = idx.length - cl;
        if (cl < minLeaf || cr < minLeaf) continue;
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
        if (!best || gain > best.gain) best = { gain, feature: f, bin: b };
      }
    }
    return best;
  }
}

/** Pairwise logistic (linear RankNet): every (positive, negative) pair of a group, each positive weighing 1 in all. */
export function fitPairwise(groups, { l2 = 1 } = {}) {
  const z = standardiser(groups);
  const zs = groups.map((g) => g.x.map(z));
  const d = zs[0][0].length - 1;
  const w = new Float64Array(d);
  const diff = new Float64Array(d);
  for (let it = 0; it < 10; it++) {
    const grad = new Float64Array(d);
    const hess = new Float64Array(d * d);
    groups.forEach((g, q) => {
      const rows = zs[q];
      const pos = [];
      const neg = [];
      for (const [c, y] of g.y.entries()) (y ? pos : neg).push(c);
      if (pos.length === 0 || neg.length === 0) return;
      const weight = 1 / neg.length;
      const s = rows.map((r) => {
        let v = 0;
        for (let f = 0; f < d; f++) v += w[f] * r[f];
        return v;
      });
      for (const i of pos)
        for (const j of neg) {
          const p = 1 / (1 + Math.exp(-(s[i] - s[j])));
          const gq = (p - 1) * weight;
          const hq = p * (1 - p) * weight;
          for (let f = 0; f < d; f++) diff[f] = rows[i][f] - rows[j][f];
          for (let f = 0; f < d; f++) {
            grad[f] += gq * diff[f];
            for (let e = 0; e <= f; e++) hess[f * d + e] += hq * diff[f] * diff[e];
          }
        }
    });
    for (let f = 0; f < d; f++) {
      grad[f] += l2 * w[f];
      hess[f * d + f] += l2;
      for (let e = 0; e < f; e++) hess[e * d + f] = hess[f * d + e];
    }
    const step = solve(hess, grad, d);
    for (let f = 0; f < d; f++) w[f] -= step[f];
  }
  return linearScorer(z, w);
}
