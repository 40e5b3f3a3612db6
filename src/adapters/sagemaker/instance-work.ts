import type { Id } from '../../engine/matrix/id-index.js';
import type { Model } from '../../engine/model/model.js';
import { answerNewUser, type NewUserAnswer } from './answer-new-user.js';
import { round } from './format-scores.js';
import type { Instance } from './instances.js';
import { InvocationError } from './invocation-error.js';
import type { RequestLimits } from './server-limits.js';

/** One answer: a predicted rating, or a top-N list. */
export type Answer = { score: number; known: boolean } | { user: Id; items: Id[]; scores: number[] } | NewUserAnswer;

/**
 * The work a request has asked for so far, checked against the limits as instances are read
 * (docs/serving.md, "Limits"). This and `answerInstances` are the one place that knows what each
 * instance kind costs and does: a new kind adds a case to both.
 */
export class Tally {
  instances = 0;
  scored = 0;
  returned = 0;

  constructor(
    /** Items a top-N list scores: the model's catalogue, or the served embedding index's size. */
    private readonly catalogue: number,
    private readonly limits: RequestLimits,
    /** What the request counts in, for messages: JSON instances or CSV lines. */
    private readonly unit: 'instance' | 'line' = 'instance',
  ) {}

  /** Counts `x`, instance number `k` of the request; 413 naming the limit once one is passed. */
  add(x: Instance, k: number): void {
    this.instances++;
    if (x.kind === 'predict') {
      this.scored++;
      this.returned++;
    } else if (x.kind === 'new-user') {
      this.scored += this.catalogue; // a fold-in or a cluster assignment reads the whole catalogue
      this.returned += x.top ?? x.items?.length ?? 1;
    } else {
      this.scored += this.catalogue; // a top-N list scores the whole catalogue
      this.returned += x.n;
    }
    this.check(k);
  }

  /** Counts an embedding-index query (embedding-instances.ts) returning `top`: it scans the whole index. */
  addIndexQuery(top: number, k: number): void {
    this.instances++;
    this.scored += this.catalogue;
    this.returned += top;
    this.check(k);
  }

  /** Counts `n` predicted pairs (CSV lines), the last of which is number `k + 1`. */
  addPairs(n: number, k: number): void {
    this.instances += n;
    this.scored += n;
    this.returned += n;
    this.check(k);
  }

  private check(k: number): void {
    const l = this.limits;
    if (this.instances > l.maxInstances)
      this.over(k, `more than ${l.maxInstances} instances`, 'RECKIT_SERVE_MAX_INSTANCES');
    if (this.scored > l.maxScored) {
      this.over(
        k,
        `more than ${l.maxScored} items scored (a prediction scores 1, a top-N list all ${this.catalogue} items)`,
        'RECKIT_SERVE_MAX_SCORED',
      );
    }
    if (this.returned > l.maxReturned) {
      this.over(
        k,
        `more than ${l.maxReturned} scores returned (a prediction returns 1, a top-N list "top")`,
        'RECKIT_SERVE_MAX_RETURNED',
      );
    }
  }

  private over(k: number, what: string, env: string): never {
    throw new InvocationError(
      413,
      `request asks for ${what} by ${this.unit} ${k + 1}; that is over the per-request limit (${env}); split it into smaller requests`,
    );
  }
}

/** Answers instances in order: predictions in one model.predict call, top-N lists one by one. */
export function answerInstances(model: Model, instances: readonly Instance[]): Answer[] {
  const out: Answer[] = new Array(instances.length);
  const users: Id[] = [];
  const items: Id[] = [];
  const at: number[] = [];
  instances.forEach((x, k) => {
    if (x.kind === 'predict') {
      users.push(x.user);
      items.push(x.item);
      at.push(k);
    } else if (x.kind === 'new-user') {
      out[k] = answerNewUser(model, x);
    } else {
      const top = model.recommend(x.user, { n: x.n, excludeSeen: x.excludeSeen, exclude: x.exclude });
      out[k] = { user: x.user, items: top.map((s) => s.item), scores: top.map((s) => round(s.score)) };
    }
  });
  if (users.length) {
    const { scores, known } = model.predict(users, items);
    at.forEach((k, p) => {
      out[k] = { score: round(scores[p]!), known: known[p] === 1 };
    });
  }
  return out;
}

/** Items scored to answer `x` (how many instances fit in one turn of the event loop). */
export function scoredBy(model: Model, x: Instance): number {
  return x.kind === 'predict' ? 1 : model.items.size;
}
