/**
 * Fire-and-forget work started by timers or by the write path (segment deletion, index write-behind,
 * roll flushes, checkpoints), kept so that `close()` and tests can wait for it instead of sleeping.
 * Errors go to the handler given with each task; nothing is left as an unhandled rejection.
 * Single-threaded (event loop).
 */
export class BackgroundTasks {
  #tasks = new Set<Promise<void>>()

  run(task: Promise<unknown>, onError: (err: unknown) => void): void {
    const tracked: Promise<void> = task.then(
      () => {
        this.#tasks.delete(tracked)
      },
      (err: unknown) => {
        this.#tasks.delete(tracked)
        onError(err)
      },
    )
    this.#tasks.add(tracked)
  }

  get size(): number {
    return this.#tasks.size
  }

  /** Resolves once no task is pending, including tasks started by the ones awaited. */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks])
  }
}
