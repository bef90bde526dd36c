/**
 * Which missions are being planned: a run holds a claim on its mission from before its first read
 * until it has written (or given up), so a tick and *Run now* never plan one mission twice. The
 * claim carries the controller that aborts the run (mission paused or deleted, runner stopping).
 */
export class Claims {
  private readonly held = new Map<string, AbortController>();
  private idleWaiters: (() => void)[] = [];

  get size(): number {
    return this.held.size;
  }

  has(missionId: string): boolean {
    return this.held.has(missionId);
  }

  /** The missions claimed now. */
  missionIds(): string[] {
    return [...this.held.keys()];
  }

  /** A claim on the mission (its run's abort controller), or null when a run already holds one. */
  take(missionId: string): AbortController | null {
    if (this.held.has(missionId)) return null;
    const controller = new AbortController();
    this.held.set(missionId, controller);
    return controller;
  }

  release(missionId: string): void {
    this.held.delete(missionId);
    if (this.held.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Aborts the run that holds the mission, if any; it lets go of its claim when it has unwound. */
  abort(missionId: string): void {
    this.held.get(missionId)?.abort();
  }

  abortAll(): void {
    for (const controller of this.held.values()) controller.abort();
  }

  /** Resolves when no run holds a claim (at once when none does). */
  whenIdle(): Promise<void> {
    if (this.held.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
