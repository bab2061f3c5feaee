/**
 * A circuit breaker (M. Nygard, "Release It!"; the closed / open / half-open pattern): after `failureThreshold`
 * consecutive failures the circuit opens and callers skip the service for `cooldownMs` milliseconds; then one
 * call is let through (half-open): its success closes the circuit, its failure opens it for another cool-down.
 * Used so that a frozen Elasticsearch costs one short timeout per cool-down instead of one per page.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;

  constructor(
    readonly failureThreshold: number,
    readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a call may go to the service now (false: use the fallback). In half-open state, one caller at a time. */
  allow(): boolean {
    if (this.failures < this.failureThreshold) return true;
    if (this.now() < this.openUntil || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  failure(): void {
    this.failures += 1;
    this.probing = false;
    if (this.failures >= this.failureThreshold) this.openUntil = this.now() + this.cooldownMs;
  }

  /** closed: calls go through; open: calls are skipped until the cool-down ends. */
  get state(): 'closed' | 'open' {
    return this.failures >= this.failureThreshold ? 'open' : 'closed';
  }
}
