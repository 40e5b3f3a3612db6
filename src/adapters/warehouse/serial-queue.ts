/**
 * Runs async work one call at a time, in call order, on a warehouse's one connection or session,
 * so a transaction never interleaves with another call's statements. A call that fails does not
 * stop the ones queued after it.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Settles once every call queued so far has settled. */
  async drain(): Promise<void> {
    await this.tail.catch(() => undefined);
  }
}
