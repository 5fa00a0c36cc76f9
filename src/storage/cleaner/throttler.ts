/**
 * Kafka's Throttler for log.cleaner.io.max.bytes.per.second: after each read or write the cleaner
 * reports the bytes moved, and the thread sleeps while it is ahead of the allowed rate. Runs only in the
 * cleaner worker (Atomics.wait blocks the calling thread); sleeps are sliced so termination is prompt.
 */
const SLEEP_SLICE_MS = 50

export class Throttler {
  readonly #bytesPerSecondMax: number
  readonly #sleeper = new Int32Array(new SharedArrayBuffer(4))
  #startMs = performance.now()
  #bytes = 0

  constructor(bytesPerSecondMax: number) {
    this.#bytesPerSecondMax = bytesPerSecondMax
  }

  get isThrottling(): boolean {
    return Number.isFinite(this.#bytesPerSecondMax) && this.#bytesPerSecondMax > 0
  }

  maybeThrottle(bytes: number): void {
    if (!this.isThrottling) return
    this.#bytes += bytes
    for (;;) {
      const dueMs = this.#startMs + (this.#bytes / this.#bytesPerSecondMax) * 1000
      const waitMs = dueMs - performance.now()
      if (waitMs <= 0) return
      Atomics.wait(this.#sleeper, 0, 0, Math.min(waitMs, SLEEP_SLICE_MS))
    }
  }
}
