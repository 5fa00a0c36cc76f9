import type { Scheduler, Timer } from '../../common/scheduler.ts'
import type { CoordinatorResult } from './coordinator-shard.ts'

/** A timeout operation: runs as a write operation of the shard that scheduled it. */
export type TimerOperation<R> = () => CoordinatorResult<void, R>

/**
 * Keyed timers of one shard (Kafka's CoordinatorTimer): scheduling a key replaces the earlier timer of
 * that key, and an expired timer runs its operation through the shard's write queue, so it is ordered
 * with requests and its records are written like theirs.
 */
export interface CoordinatorTimer<R> {
  schedule(key: string, delayMs: number, op: TimerOperation<R>): void
  cancel(key: string): void
  isScheduled(key: string): boolean
}

const STALE: CoordinatorResult<void, never> = { records: [], response: undefined, replayRecords: false }

interface Entry {
  readonly timer: Timer
}

/** The runtime's implementation: `enqueue` hands expired operations to the shard's write queue. */
export class ShardTimer<R> implements CoordinatorTimer<R> {
  readonly #scheduler: Scheduler
  readonly #enqueue: (key: string, op: TimerOperation<R>) => void
  readonly #entries = new Map<string, Entry>()
  #closed = false

  constructor(scheduler: Scheduler, enqueue: (key: string, op: TimerOperation<R>) => void) {
    this.#scheduler = scheduler
    this.#enqueue = enqueue
  }

  schedule(key: string, delayMs: number, op: TimerOperation<R>): void {
    if (this.#closed) return
    this.cancel(key)
    const entry: Entry = {
      timer: this.#scheduler.schedule(delayMs, () => {
        if (this.#entries.get(key) !== entry) return
        // Checked again when the operation runs: a timer rescheduled or cancelled while its operation
        // waited in the queue must not act (Kafka's EventBasedCoordinatorTimer does the same).
        this.#enqueue(key, () => {
          if (this.#entries.get(key) !== entry) return STALE
          this.#entries.delete(key)
          return op()
        })
      }),
    }
    this.#entries.set(key, entry)
  }

  cancel(key: string): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    entry.timer.cancel()
    this.#entries.delete(key)
  }

  isScheduled(key: string): boolean {
    return this.#entries.has(key)
  }

  get size(): number {
    return this.#entries.size
  }

  /** Cancels everything; later schedules are ignored (the shard was unloaded). */
  close(): void {
    this.#closed = true
    for (const e of this.#entries.values()) e.timer.cancel()
    this.#entries.clear()
  }
}
