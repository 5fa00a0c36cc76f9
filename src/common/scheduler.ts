import type { Clock } from './clock.ts'
import { systemClock } from './clock.ts'

/** A cancellable timer handle. */
export interface Timer {
  cancel(): void
}

/**
 * Every timer in Samsa (long polls, retention checks, session timeouts, checkpoints) goes through a
 * Scheduler, so a test can replace it with FakeScheduler and advance time without sleeping.
 */
export interface Scheduler {
  readonly clock: Clock
  /** Runs `fn` once after `delayMs`. */
  schedule(delayMs: number, fn: () => void): Timer
  /** Runs `fn` every `periodMs`, first after `initialDelayMs` (default: one period). */
  schedulePeriodic(periodMs: number, fn: () => void, initialDelayMs?: number): Timer
}

export class SystemScheduler implements Scheduler {
  readonly clock: Clock = systemClock

  schedule(delayMs: number, fn: () => void): Timer {
    const t = setTimeout(fn, Math.max(0, delayMs))
    t.unref()
    return { cancel: () => clearTimeout(t) }
  }

  schedulePeriodic(periodMs: number, fn: () => void, initialDelayMs = periodMs): Timer {
    let interval: NodeJS.Timeout | undefined
    const first = setTimeout(() => {
      fn()
      interval = setInterval(fn, periodMs)
      interval.unref()
    }, initialDelayMs)
    first.unref()
    return {
      cancel: () => {
        clearTimeout(first)
        if (interval !== undefined) clearInterval(interval)
      },
    }
  }
}

interface FakeTask {
  dueMs: number
  seq: number
  periodMs: number
  fn: () => void
  cancelled: boolean
}

/**
 * A deterministic clock and scheduler for tests: time moves only when `advance()` is called, and due
 * tasks run in due-time order (ties in scheduling order).
 */
export class FakeScheduler implements Scheduler, Clock {
  #nowMs: number
  #monotonicMs = 0
  #seq = 0
  #tasks: FakeTask[] = []
  readonly clock: Clock = this

  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs
  }

  nowMs(): number {
    return this.#nowMs
  }

  monotonicMs(): number {
    return this.#monotonicMs
  }

  schedule(delayMs: number, fn: () => void): Timer {
    return this.#add(delayMs, 0, fn)
  }

  schedulePeriodic(periodMs: number, fn: () => void, initialDelayMs = periodMs): Timer {
    return this.#add(initialDelayMs, periodMs, fn)
  }

  #add(delayMs: number, periodMs: number, fn: () => void): Timer {
    const task: FakeTask = {
      dueMs: this.#monotonicMs + Math.max(0, delayMs),
      seq: this.#seq++,
      periodMs,
      fn,
      cancelled: false,
    }
    this.#tasks.push(task)
    return {
      cancel: () => {
        task.cancelled = true
      },
    }
  }

  /** Moves time forward by `ms`, running every task that falls due on the way. */
  advance(ms: number): void {
    const target = this.#monotonicMs + ms
    for (;;) {
      this.#tasks = this.#tasks.filter((t) => !t.cancelled)
      let next: FakeTask | undefined
      for (const t of this.#tasks) {
        if (
          t.dueMs <= target &&
          (next === undefined || t.dueMs < next.dueMs || (t.dueMs === next.dueMs && t.seq < next.seq))
        )
          next = t
      }
      if (next === undefined) break
      this.#nowMs += next.dueMs - this.#monotonicMs
      this.#monotonicMs = next.dueMs
      if (next.periodMs > 0) {
        next.dueMs += next.periodMs
        next.seq = this.#seq++
      } else {
        next.cancelled = true
      }
      next.fn()
    }
    this.#nowMs += target - this.#monotonicMs
    this.#monotonicMs = target
  }

  /** Number of tasks still pending (for assertions). */
  get pendingTasks(): number {
    return this.#tasks.filter((t) => !t.cancelled).length
  }
}
