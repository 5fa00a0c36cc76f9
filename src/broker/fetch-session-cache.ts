import type { Clock } from '../common/clock.ts'

/** A partition as a fetch session remembers it (Kafka's CachedPartition). */
export interface SessionPartition {
  readonly topic: string
  readonly topicId: string
  readonly partition: number
  fetchOffset: number
  partitionMaxBytes: number
  currentLeaderEpoch: number
  /** What the last response told the client, to send only changes in incremental responses. */
  lastHighWatermark: number
  lastLastStableOffset: number
  lastLogStartOffset: number
}

export class FetchSession {
  readonly id: number
  /** The epoch the next incremental request must carry. */
  epoch = 1
  lastUsedMs: number
  /** Insertion-ordered, keyed by topic id or name plus partition. */
  readonly partitions = new Map<string, SessionPartition>()

  constructor(id: number, nowMs: number) {
    this.id = id
    this.lastUsedMs = nowMs
  }
}

export const FetchSessionEpoch = {
  /** epoch 0: create a session (full request). */
  Initial: 0,
  /** epoch -1: no session (full request), or close the named one. */
  Final: -1,
} as const

/**
 * Incremental fetch sessions (KIP-227): a consumer or follower that fetches many partitions sends the
 * whole list once, then only what changed; the broker answers only partitions with news. Sessions are
 * capped (max.incremental.fetch.session.cache.slots = 1000) and the least recently used is evicted;
 * a client whose session is gone gets FETCH_SESSION_ID_NOT_FOUND and starts over with a full request.
 */
export class FetchSessionCache {
  readonly #sessions = new Map<number, FetchSession>()
  readonly #slotsMax: number
  readonly #clock: Clock
  #nextId = 1

  constructor(clock: Clock, slotsMax = 1000) {
    this.#clock = clock
    this.#slotsMax = slotsMax
  }

  get size(): number {
    return this.#sessions.size
  }

  get(id: number): FetchSession | undefined {
    const s = this.#sessions.get(id)
    if (s !== undefined) {
      // Re-insert to keep the map in least-recently-used order.
      this.#sessions.delete(id)
      this.#sessions.set(id, s)
      s.lastUsedMs = this.#clock.monotonicMs()
    }
    return s
  }

  create(): FetchSession {
    if (this.#sessions.size >= this.#slotsMax) {
      const oldest = this.#sessions.keys().next()
      if (!oldest.done) this.#sessions.delete(oldest.value)
    }
    let id = this.#nextId
    while (this.#sessions.has(id) || id === 0) id = (id % 0x7fffffff) + 1
    this.#nextId = (id % 0x7fffffff) + 1
    const s = new FetchSession(id, this.#clock.monotonicMs())
    this.#sessions.set(id, s)
    return s
  }

  remove(id: number): void {
    this.#sessions.delete(id)
  }
}
