// Experiment (not shipped; docs/ranking.md, "tried" table): learning-to-rank stacking on ml-100k
// under ms-recommenders (split seed 0). Run after `npx tsc -p tsconfig.build.json`:
//   RECKIT_DATA_DIR=/work/shared/datasets node scripts/stack-experiment.mjs   (about 10 min on 2 cores)
// Stage 1: candidates = union of the top DEPTH (50) of ALS, EASE, item-kNN and BPR. Stage 2 is fitted
// on validation splits carved from the training part (per-user 75/25, SEEDS 1-3): base models fitted
// on train-minus-validation give the candidates and features, labels = the held-out items; the
// learner is chosen by 3-fold user-wise CV there. Then the base models are refitted on the whole
// training part and the test part is scored once (ALL=1 also prints the configs not chosen).
// Knobs: SEEDS, VAL_TRAIN (training share of a validation split, 0.75), DEPTH, BPR=0, PAIRWISE=0,
// GRID (LambdaMART configs, JSON), KEEP (feature columns, JSON), SIDE=1 (ml-100k's item and user
// metadata as extra features). Figures move in the fourth decimal between runs: BPR's threads race.
import { readFileSync } from 'node:fs';
import { loadDataset } from '../dist/adapters/datasets/load-dataset.js';
import { BPR } from '../dist/engine/algorithms/bpr.js';
import { EASE } from '../dist/engine/algorithms/ease.js';
import { ImplicitALS } from '../dist/engine/algorithms/implicit-als.js';
import { ItemKNN } from '../dist/engine/algorithms/item-knn.js';
import { rankingMetrics, relevantItems } from '../dist/engine/eval/ranking-metrics.js';
import { stratifiedSplit } from '../dist/engine/eval/ranking-splits.js';
import { RatingMatrix } from '../dist/engine/matrix/rating-matrix.js';
import { fitLambdaMart, fitLogistic, fitPairwise } from './stack-learners.mjs';

const DEPTH = Number(process.env.DEPTH ?? 50);
const USE_BPR = process.env.BPR !== '0';
let SIDE;

/** ml-100k's u.item / u.user side information by dense index (SIDE=1). */
function readSide(m) {
  const dir = `${process.env.RECKIT_DATA_DIR}/ml-100k`;
  const nI = m.nItems;
  const side = { year: new Float64Array(nI), genres: Array.from({ length: nI }, () => new Float64Array(19)) };
  for (const line of readFileSync(`${dir}/u.item`, 'latin1').split('\n')) {
    const c = line.split('|');
    if (c.length < 24) continue;
    const i = m.items.indexOf(Number(c[0]));
    if (i < 0) continue;
    side.year[i] = Number(c[2].slice(-4)) || 1995;
    for (let k = 0; k < 19; k++) side.genres[i][k] = Number(c[5 + k]);
  }
  side.age = new Float64Array(m.nUsers);
  side.female = new Float64Array(m.nUsers);
  for (const line of readFileSync(`${dir}/u.user`, 'latin1').split('\n')) {
    const c = line.split('|');
    const u = m.users.indexOf(Number(c[0]));
    if (u < 0) continue;
    side.age[u] = Number(c[1]);
    side.female[u] = c[2] === 'F' ? 1 : 0;
  }
  return side;
}

async function baseScores(train) {
  const nU = train.nUsers;
  const nI = train.nItems;
  const out = {};
  const t0 = performance.now();
  const als = await new ImplicitALS({ factors: 64, reg: 5, regExponent: 0.5, alpha: 1.5, base: 0 }).fit(train);
  out.als = factorScores(als, nU, nI);
  const ease = await new EASE({ lambda: 800 }).fit(train);
  out.ease = itemItemScores(ease, train, nU, nI);
  const knn = await new ItemKNN({ neighbours: 200 }).fit(train);
  out.knn = itemItemScores(knn, train, nU, nI);
  if (USE_BPR) {
    const bpr = await new BPR({ factors: 64, learningRate: 0.01, reg: 0.001 }).fit(train);
    out.bpr = factorScores(bpr, nU, nI);
  }
  console.error(`base fits ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { scores: out, knnWeights: knn.data.weights };
}

function factorScores(m, nU, nI) {
  const s = new Float32Array(nU * nI);
  for (let u = 0; u < nU; u++) {
    if (!m.userKnown(u)) continue;
    for (let i = 0; i < nI; i++) s[u * nI + i] = m.rawScore(u, i).score;
  }
  return s;
}

function itemItemScores(m, train, nU, nI) {
  const s = new Float32Array(nU * nI);
  const { offsets, cols } = train.csr;
  for (let u = 0; u < nU; u++) s.set(m.scoreRow(cols.subarray(offsets[u], offsets[u + 1])), u * nI);
  return s;
}

/** Per user: candidates (union of each model's top DEPTH), feature rows and labels. */
function buildGroups(train, base, held, users) {
  const nI = train.nItems;
  const { offsets, cols, values } = train.csr;
  const itemCount = new Float64Array(nI);
  const itemSum = new Float64Array(nI);
  let total = 0;
  for (let p = 0; p < cols.length; p++) {
    itemCount[cols[p]]++;
    itemSum[cols[p]] += values[p];
    total += values[p];
  }
  const mu = total / cols.length;
  const popOrder = Array.from(itemCount.keys()).sort((a, b) => itemCount[b] - itemCount[a]);
  const popRank = new Float64Array(nI);
  popOrder.forEach((i, r) => {
    popRank[i] = r;
  });
  const names = Object.keys(base.scores);
  const groups = [];
  let recallHits = 0;
  let recallAll = 0;
  for (const u of users) {
    const a = offsets[u];
    const b = offsets[u + 1];
    if (b === a) continue;
    const seen = new Uint8Array(nI);
    let uSum = 0;
    for (let p = a; p < b; p++) {
      seen[cols[p]] = 1;
      uSum += values[p];
    }
    const eligible = [];
    for (let i = 0; i < nI; i++) if (!seen[i] && itemCount[i] > 0) eligible.push(i);
    const perModel = names.map((name) => {
      const row = base.scores[name].subarray(u * nI, (u + 1) * nI);
      const order = eligible.slice().sort((x, y) => row[y] - row[x] || x - y);
      const rank = new Float64Array(nI).fill(eligible.length);
      order.forEach((i, r) => {
        rank[i] = r;
      });
      let m = 0;
      for (const i of eligible) m += row[i];
      m /= eligible.length;
      let v = 0;
      for (const i of eligible) v += (row[i] - m) ** 2;
      const sd = Math.sqrt(v / eligible.length) || 1;
      return { row, order, rank, m, sd };
    });
    const uGenre = new Float64Array(19);
    if (SIDE) {
      for (let p = a; p < b; p++) for (let k = 0; k < 19; k++) uGenre[k] += SIDE.genres[cols[p]][k] / (b - a);
    }
    const cand = new Set();
    for (const pm of perModel) for (let r = 0; r < DEPTH && r < pm.order.length; r++) cand.add(pm.order[r]);
    const items = Int32Array.from(cand);
    const rel = held.get(u) ?? new Set();
    const x = [];
    const y = new Float64Array(items.length);
    const knnRow = base.knnWeights;
    items.forEach((i, c) => {
      const f = [];
      for (const pm of perModel) {
        f.push((pm.row[i] - pm.m) / pm.sd, Math.log2(2 + pm.rank[i]), 1 / (1 + pm.rank[i]));
      }
      f.push(Math.log1p(itemCount[i]), Math.log2(2 + popRank[i]), Math.log1p(b - a));
      f.push(Math.log1p(itemCount[i]) * Math.log1p(b - a));
      f.push(uSum / (b - a) - mu, (itemSum[i] + 10 * mu) / (itemCount[i] + 10) - mu);
      let mx = 0;
      let sum = 0;
      for (let p = a; p < b; p++) {
        const w = knnRow[cols[p] * nI + i];
        if (w > mx) mx = w;
        sum += w;
      }
      f.push(mx, sum / (b - a));
      if (SIDE) {
        // Side information no base model uses: release year, genre affinity, user age and gender.
        const gi = SIDE.genres[i];
        let aff = 0;
        let ng = 0;
        for (let k = 0; k < gi.length; k++) {
          aff += gi[k] * uGenre[k];
          ng += gi[k];
        }
        f.push(SIDE.year[i], ng ? aff / ng : 0, SIDE.age[u], SIDE.female[u]);
      }
      x.push(f);
      y[c] = rel.has(i) ? 1 : 0;
    });
    recallHits += y.reduce((s, v) => s + v, 0);
    recallAll += rel.size;
    groups.push({ user: u, items, x, y, nRel: rel.size });
  }
  console.error(
    `${groups.length} users, ${groups.reduce((s, g) => s + g.items.length, 0)} candidates, recall of candidates ${(recallHits / recallAll).toFixed(4)}`,
  );
  return groups;
}

/** ms-recommenders metrics of top-10 lists ranked by `score(group) -> Float64Array`. */
function metricsOf(groups, held, score, nItemsKnown) {
  const n = 10;
  const users = new Int32Array(groups.length);
  const items = new Int32Array(groups.length * n).fill(-1);
  groups.forEach((g, r) => {
    users[r] = g.user;
    const s = score(g);
    const idx = Array.from(g.items.keys()).sort((p, q) => s[q] - s[p] || g.items[p] - g.items[q]);
    for (let j = 0; j < n && j < idx.length; j++) items[r * n + j] = g.items[idx[j]];
  });
  return rankingMetrics({ n, users, items }, held, {
    k: n,
    threshold: Number.NEGATIVE_INFINITY,
    catalogSize: nItemsKnown,
  });
}

const fmt = (m) =>
  `nDCG ${m.ndcg.toFixed(4)} P ${m.precision.toFixed(4)} R ${m.recall.toFixed(4)} MAP ${m.map.toFixed(4)} (${m.users})`;

async function stage(train, test) {
  const base = await baseScores(train);
  const held = relevantItems(test, Number.NEGATIVE_INFINITY);
  const users = Array.from(held.keys()).sort((a, b) => a - b);
  const groups = buildGroups(train, base, held, users);
  let known = 0;
  const k = new Uint8Array(train.nItems);
  for (const i of train.csr.cols) k[i] = 1;
  for (const v of k) known += v;
  for (const [f, name] of [
    [2, 'als'],
    [5, 'ease'],
    [8, 'knn'],
    [11, 'bpr'],
  ]) {
    if (!USE_BPR && name === 'bpr') continue;
    console.log(
      `  ${name} (from the candidates' rank): ${fmt(metricsOf(groups, held, (g) => g.x.map((r) => r[f]), known))}`,
    );
  }
  return { groups, held, known };
}

/** A fixed permutation of 0..n-1 (xorshift32; any seeded shuffle will do). */
function permutation(n, seed) {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** User fold (0..folds-1) of a dense user index, seeded, the same in every validation split. */
function userFolds(nUsers, folds) {
  const order = permutation(nUsers, 7);
  const fold = new Int32Array(nUsers);
  order.forEach((u, r) => {
    fold[u] = r % folds;
  });
  return fold;
}

const avg = (ms) => {
  const out = { users: ms[0].users };
  for (const key of ['ndcg', 'precision', 'recall', 'map']) out[key] = ms.reduce((s, m) => s + m[key], 0) / ms.length;
  return out;
};

/** Out-of-fold metrics of a learner over user folds, averaged over the validation splits `vs`. */
function crossValidate(vs, fit, folds = 3) {
  const fold = userFolds(vs[0].nUsers, folds);
  const oof = new Map();
  for (let f = 0; f < folds; f++) {
    const model = fit(vs.flatMap((v) => v.groups.filter((g) => fold[g.user] !== f)));
    for (const v of vs) for (const g of v.groups) if (fold[g.user] === f) oof.set(g, model(g.x));
  }
  return avg(vs.map((v) => metricsOf(v.groups, v.held, (g) => oof.get(g), v.known)));
}

const VAL_TRAIN = Number(process.env.VAL_TRAIN ?? 0.75);
const SEEDS = JSON.parse(process.env.SEEDS ?? '[1, 2, 3]');
const d = await loadDataset('ml-100k', { items: false });
const m = (await RatingMatrix.fromTable(d.ratings, { scale: d.scale })).matrix;
if (process.env.SIDE === '1') SIDE = readSide(m);
const outer = stratifiedSplit(m, { trainRatio: 0.75, seed: 0 });
const vs = [];
for (const seed of SEEDS) {
  console.log(`validation seed ${seed} (base models on train-minus-validation):`);
  const inner = stratifiedSplit(outer.train, { trainRatio: VAL_TRAIN, seed });
  vs.push({ ...(await stage(inner.train, inner.test)), nUsers: m.nUsers });
}
console.log('test (base models on the whole training part):');
const t = await stage(outer.train, outer.test);
console.log(
  `ALS on the validation splits, averaged: ${fmt(avg(vs.map((v) => metricsOf(v.groups, v.held, (g) => g.x.map((r) => r[2]), v.known))))}`,
);

const configs = [];
for (const l2 of [0.1, 10]) configs.push({ name: `logistic l2=${l2}`, fit: (g) => fitLogistic(g, { l2 }) });
if (process.env.PAIRWISE !== '0')
  for (const l2 of [1, 100]) configs.push({ name: `pairwise l2=${l2}`, fit: (g) => fitPairwise(g, { l2 }) });
const GRID = JSON.parse(
  process.env.GRID ??
    '[{"trees":100,"leaves":8,"learningRate":0.05,"minLeaf":200,"l2":10,"init":1},{"trees":100,"leaves":16,"learningRate":0.1,"minLeaf":200,"l2":10}]',
);
for (const o of GRID)
  configs.push({
    name: `lambdamart ${JSON.stringify(o)}`,
    fit: (g) =>
      fitLambdaMart(g, { minLeaf: 50, truncation: 20, ...o, init: o.init ? fitLogistic(g, { l2: 0.1 }) : undefined }),
  });
// KEEP: feature columns the learners see (per base model m: 3m z-score, 3m+1 log rank, 3m+2 1/(1+rank);
// then log pop, log pop rank, log n_u, their product, user and item mean, kNN max and mean similarity).
const KEEP = process.env.KEEP && JSON.parse(process.env.KEEP);
const project = (x) => (KEEP ? x.map((r) => KEEP.map((k) => r[k])) : x);
for (const c of configs) {
  const fit = c.fit;
  c.fit = (gs) => {
    const model = fit(gs.map((g) => ({ ...g, x: project(g.x) })));
    return (x) => model(project(x));
  };
}
let best;
for (const c of configs) {
  const t0 = performance.now();
  const cv = crossValidate(vs, c.fit);
  console.log(`CV ${c.name}: ${fmt(cv)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (!best || cv.ndcg > best.cv.ndcg) best = { ...c, cv };
}
console.log(`chosen on validation: ${best.name}`);
const allV = vs.flatMap((v) => v.groups);
const model = best.fit(allV);
console.log(`test ${best.name}: ${fmt(metricsOf(t.groups, t.held, (g) => model(g.x), t.known))}`);
if (process.env.ALL === '1')
  for (const c of configs) {
    const mm = c.fit(allV);
    console.log(`  (test, not a choice) ${c.name}: ${fmt(metricsOf(t.groups, t.held, (g) => mm(g.x), t.known))}`);
  }
