/**
 * Time, behind an interface so tests can drive it (Kafka's Time/MockTime). Production code never calls
 * Date.now() or setTimeout directly; it asks its Clock, and timers go through the Scheduler.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch (record timestamps, retention). */
  nowMs(): number
  /** Monotonic milliseconds for measuring intervals (timeouts, session expiry). */
  monotonicMs(): number
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
}
