/** Runs tasks in the order added, at most `concurrency` at a time. A task's failure is its own
 * business (it should catch): the queue only carries on with the next one. */
export class TaskQueue {
  private running = 0;
  private readonly waiting: (() => Promise<unknown>)[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be 1 or more");
  }

  /** Tasks started and not finished. */
  get active(): number {
    return this.running;
  }

  /** Tasks not started yet. */
  get queued(): number {
    return this.waiting.length;
  }

  add(task: () => Promise<unknown>): void {
    this.waiting.push(task);
    this.next();
  }

  /** Drops every task not started yet (the running ones are the caller's to abort). */
  clear(): void {
    this.waiting.length = 0;
  }

  private next(): void {
    while (this.running < this.concurrency) {
      const task = this.waiting.shift();
      if (!task) return;
      this.running += 1;
      let started: Promise<unknown>;
      try {
        started = task();
      } catch (error) {
        started = Promise.reject(error);
      }
      started
        .catch(() => undefined)
        .finally(() => {
          this.running -= 1;
          this.next();
        });
    }
  }
}
