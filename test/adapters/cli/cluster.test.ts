import { expect, test } from 'vitest';
import { runCluster } from '../../../src/adapters/cli/commands/cluster.js';
import { main } from '../../../src/adapters/cli/main.js';
import { dataPath, missing } from '../../support/data-dir.js';

const has100k = Boolean(dataPath('ml-100k', 'u.data'));

test.skipIf(!has100k)(
  `runCluster on ml-100k: every user in one cluster, titles listed (${missing('ml-100k')})`,
  async () => {
    const r = await runCluster({ data: 'ml-100k', k: 6, top: 3, seed: 1 });
    expect(r.clusters).toHaveLength(6);
    expect(r.clusters.reduce((s, c) => s + c.users, 0)).toBe(943);
    expect(r.clusters.reduce((s, c) => s + c.ratings, 0)).toBe(100_000);
    for (let q = 1; q < r.clusters.length; q++)
      expect(r.clusters[q]!.users).toBeLessThanOrEqual(r.clusters[q - 1]!.users);
    const big = r.clusters[0]!;
    expect(big.meanRating).toBeGreaterThan(3);
    expect(big.meanRating).toBeLessThan(4.5);
    expect(big.top).toHaveLength(3);
    for (const t of big.top) {
      expect(typeof t.title).toBe('string');
      expect(t.members).toBeGreaterThanOrEqual(3);
    }
  },
);

test.skipIf(!has100k)('reckit cluster --json prints the report; bad --on exits 2 naming the choices', async () => {
  let out = '';
  let err = '';
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) };
  expect(await main(['node', 'reckit', 'cluster', '--data', 'ml-100k', '--k', '3', '--json'], io)).toBe(0);
  const report = JSON.parse(out);
  expect(report.k).toBe(3);
  expect(report.clusters).toHaveLength(3);
  expect(await main(['node', 'reckit', 'cluster', '--data', 'ml-100k', '--on', 'genres'], io)).toBe(2);
  expect(err).toMatch(/features = "genres"; expected one of "ratings", "centered", "normalized", "factors"/);
});
