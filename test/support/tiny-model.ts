import type { Id } from '../../src/engine/matrix/id-index.js';
import { IdIndex } from '../../src/engine/matrix/id-index.js';
import type { FoldedUser, Model, Prediction, RecommendOptions, Scored, TopN } from '../../src/engine/model/model.js';

/**
 * A hand-checkable Model for adapter tests (server, pipeline plumbing): users 1..5, items 1..20,
 * score(u, i) = 1 + ((7u + 3i) mod 9) / 2 on the scale [0.5, 5]; user u has seen items u..u+2.
 * Unknown ids score the global mean 3 with known = false.
 */
export class TinyModel implements Model {
  readonly algorithm = 'tiny';
  readonly params = {};
  readonly users = IdIndex.fromIds(Float64Array.from({ length: 5 }, (_, k) => k + 1));
  readonly items = IdIndex.fromIds(Float64Array.from({ length: 20 }, (_, k) => k + 1));
  readonly scale = { min: 0.5, max: 5 };

  static score(user: number, item: number): number {
    return 1 + ((7 * user + 3 * item) % 9) / 2;
  }

  predictOne(user: Id, item: Id): Prediction {
    const u = this.users.indexOf(user);
    const i = this.items.indexOf(item);
    if (u < 0 || i < 0) return { score: 3, known: false };
    return { score: TinyModel.score(u + 1, i + 1), known: true };
  }

  predict(users: readonly Id[], items: readonly Id[]): { scores: Float32Array; known: Uint8Array } {
    const scores = new Float32Array(users.length);
    const known = new Uint8Array(users.length);
    for (let p = 0; p < users.length; p++) {
      const r = this.predictOne(users[p]!, items[p]!);
      scores[p] = r.score;
      known[p] = r.known ? 1 : 0;
    }
    return { scores, known };
  }

  recommend(user: Id, o: RecommendOptions = {}): Scored[] {
    const u = this.users.indexOf(user) + 1;
    const skip = new Set<Id>(o.exclude ?? []);
    if (u > 0 && o.excludeSeen !== false) for (let i = u; i <= u + 2; i++) skip.add(i);
    const all: Scored[] = [];
    for (let i = 1; i <= 20; i++) {
      if (!skip.has(i)) all.push({ item: i, score: u > 0 ? TinyModel.score(u, i) : 3 });
    }
    all.sort((a, b) => b.score - a.score || (a.item as number) - (b.item as number));
    return all.slice(0, o.n ?? 10);
  }

  async recommendAll(): Promise<TopN> {
    throw new Error('TinyModel.recommendAll is not used by the adapter tests');
  }

  foldIn(): FoldedUser {
    throw new Error('TinyModel.foldIn is not used by the adapter tests');
  }

  async save(): Promise<void> {
    throw new Error('TinyModel.save is not used by the adapter tests');
  }
}
