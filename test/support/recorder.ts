/** What a test peer received, in order, and a way to wait until enough has arrived. */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly label: string) {}

  add(item: T): void {
    this.items.push(item);
    this.waiters.forEach((w) => w());
  }

  waitFor(n: number, timeoutMs = 5000): Promise<T[]> {
    if (this.items.length >= n) return Promise.resolve(this.items.slice());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.items.length < n) return;
        cleanup();
        resolve(this.items.slice());
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.label}: ${this.items.length} of ${n} after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}
