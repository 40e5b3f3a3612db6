/**
 * Peak resident memory of this process during one timed run. `process.resourceUsage().maxRSS` is
 * the lifetime high-water mark (KiB), so it only tells a case's peak when the case raised it; an
 * interval sampler catches peaks below it while the event loop is free (native kernels run off
 * it, so their allocations are seen). Synchronous JS loops block the sampler: the value is then a
 * lower bound, which the report states.
 */
export class RssSampler {
  private peakBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private hwmBefore = 0;

  start(intervalMs = 10): void {
    this.hwmBefore = process.resourceUsage().maxRSS * 1024;
    this.peakBytes = process.memoryUsage.rss();
    this.timer = setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss > this.peakBytes) this.peakBytes = rss;
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops sampling; returns the peak in MiB. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const rss = process.memoryUsage.rss();
    if (rss > this.peakBytes) this.peakBytes = rss;
    const hwm = process.resourceUsage().maxRSS * 1024;
    if (hwm > this.hwmBefore) this.peakBytes = Math.max(this.peakBytes, hwm);
    return this.peakBytes / (1024 * 1024);
  }
}
