/**
 * Runs work one call at a time per name (calls for different names run at once): two rows
 * deploying the same model name in one batch, or in two concurrent batches, start one deployment
 * and the second finds it done. A failed call does not block the next one.
 */
export class PerNameQueue<T> {
  private readonly tails = new Map<string, Promise<T>>();

  run(name: string, work: () => Promise<T>): Promise<T> {
    const prior = this.tails.get(name) ?? Promise.resolve();
    const next = prior.catch(() => undefined).then(work);
    this.tails.set(name, next);
    return next;
  }
}
