import { randomInt } from 'node:crypto'
import type { Clock } from '../common/clock.ts'
import type { FetchPartitionParams } from './fetch-context.ts'

/** A partition as a fetch session remembers it (Kafka's CachedPartition). */
export interface SessionPartition extends FetchPartitionParams {
  /**
   * What the last response told the client, to send only changes in incremental responses; -1 until
   * the partition was first answered and after an error, so it is sent again once the error clears.
   */
  lastHighWatermark: number
  lastLogStartOffset: number
}

export const FetchSessionEpoch = {
  /** epoch 0: create a session (full request). */
  Initial: 0,
  /** epoch -1: no session (full request), or close the named one. */
  Final: -1,
} as const

/** The epoch after `epoch`; it wraps to 1, never to the reserved 0 and -1 (Kafka's FetchMetadata.nextEpoch). */
export function nextSessionEpoch(epoch: number): number {
  if (epoch < 0) return FetchSessionEpoch.Final
  return epoch === 0x7fffffff ? 1 : epoch + 1
}

export class FetchSession {
  readonly id: number
  /** Created by a follower (replica id >= 0); may evict consumer sessions. */
  readonly privileged: boolean
  /** Created by Fetch v13+ (topics by id); later requests must be v13+ as well, and older ones must not. */
  readonly usesTopicIds: boolean
  readonly creationMs: number
  /** The epoch the next incremental request must carry. */
  epoch = 1
  lastUsedMs: number
  /** Partition count at the last touch: what eviction compares (Kafka's cachedSize). */
  cachedSize = 0
  /** Whether, at the last touch, a new consumer session may evict this one (older than the eviction time). */
  evictableByAll = false
  /** Whether, at the last touch, a new follower session may evict this one. */
  evictableByPrivileged = false
  /** Insertion-ordered, keyed by topic id (v13+) or name, plus partition. */
  readonly partitions: Map<string, SessionPartition>

  constructor(
    id: number,
    privileged: boolean,
    usesTopicIds: boolean,
    nowMs: number,
    partitions: Map<string, SessionPartition>,
  ) {
    this.id = id
    this.privileged = privileged
    this.usesTopicIds = usesTopicIds
    this.creationMs = nowMs
    this.lastUsedMs = nowMs
    this.partitions = partitions
  }
}

export interface FetchSessionCacheOptions {
  /** max.incremental.fetch.session.cache.slots: sessions kept at most. Kafka's default is 1000. */
  slotsMax?: number
  /** How long a session stays safe from eviction, after creation and after each use (Kafka: 2 minutes). */
  evictionMs?: number
}

/** Kafka's MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS. */
const EVICTION_MS_DEFAULT = 120_000
const SESSION_ID_MAX = 0x7fffffff

/**
 * Incremental fetch sessions (KIP-227): a consumer or follower that fetches many partitions sends the
 * whole list once, then only what changed; the broker answers only partitions with news. At most
 * max.incremental.fetch.session.cache.slots sessions are kept. A new session takes a full cache's slot
 * only as Kafka's FetchSessionCache decides: from a session unused for the eviction time, else from the
 * least valuable session that may be evicted (a follower's session may take a consumer's; any session
 * may take one created more than the eviction time ago holding no more partitions). Otherwise the
 * full fetch is answered without a session (id 0) and the client keeps sending full fetches. A client
 * whose session is gone gets FETCH_SESSION_ID_NOT_FOUND and starts over with a full request.
 *
 * Kafka splits its cache into shards for its request threads; one event loop needs one.
 */
export class FetchSessionCache {
  readonly #sessions = new Map<number, FetchSession>()
  readonly #slotsMax: number
  readonly #evictionMs: number
  readonly #clock: Clock
  #evictions = 0

  constructor(clock: Clock, options: FetchSessionCacheOptions = {}) {
    this.#clock = clock
    this.#slotsMax = options.slotsMax ?? 1000
    this.#evictionMs = options.evictionMs ?? EVICTION_MS_DEFAULT
  }

  get size(): number {
    return this.#sessions.size
  }

  /** Sessions evicted to make room since start-up. */
  get evictions(): number {
    return this.#evictions
  }

  get(id: number): FetchSession | undefined {
    return this.#sessions.get(id)
  }

  /**
   * A new session holding `partitions` when there is room or a session may be evicted for it; null when
   * the cache is full of sessions it may not evict.
   */
  maybeCreate(
    privileged: boolean,
    usesTopicIds: boolean,
    partitions: Map<string, SessionPartition>,
  ): FetchSession | null {
    const now = this.#clock.monotonicMs()
    if (this.#sessions.size >= this.#slotsMax && !this.#tryEvict(privileged, partitions.size, now)) return null
    let id: number
    do id = randomInt(1, SESSION_ID_MAX)
    while (this.#sessions.has(id))
    const session = new FetchSession(id, privileged, usesTopicIds, now, partitions)
    this.#sessions.set(id, session)
    this.touch(session)
    return session
  }

  /** Marks a session used now and records its size and eviction standing (Kafka's touch). */
  touch(session: FetchSession): void {
    const now = this.#clock.monotonicMs()
    session.lastUsedMs = now
    session.cachedSize = session.partitions.size
    const old = now - session.creationMs > this.#evictionMs
    session.evictableByAll = old
    session.evictableByPrivileged = old || !session.privileged
  }

  remove(id: number): void {
    this.#sessions.delete(id)
  }

  /**
   * Kafka's tryEvict: the least recently used session if it is stale; else the first evictable session
   * by (privileged, size, id) when the new one is worth at least as much.
   */
  #tryEvict(privileged: boolean, size: number, now: number): boolean {
    let lru: FetchSession | undefined
    let cheapest: FetchSession | undefined
    for (const s of this.#sessions.values()) {
      if (lru === undefined || s.lastUsedMs < lru.lastUsedMs || (s.lastUsedMs === lru.lastUsedMs && s.id < lru.id))
        lru = s
      if (!(privileged ? s.evictableByPrivileged : s.evictableByAll)) continue
      if (cheapest === undefined || compareEvictable(s, cheapest) < 0) cheapest = s
    }
    if (lru === undefined) return false
    let victim: FetchSession | undefined
    if (now - lru.lastUsedMs > this.#evictionMs) victim = lru
    else if (cheapest !== undefined && compareKeys(privileged, size, 0, cheapest) >= 0) victim = cheapest
    if (victim === undefined) return false
    this.#sessions.delete(victim.id)
    this.#evictions++
    return true
  }
}

/** Kafka's EvictableKey order: unprivileged before privileged, then fewer partitions, then lower id. */
function compareKeys(privileged: boolean, size: number, id: number, other: FetchSession): number {
  if (privileged !== other.privileged) return privileged ? 1 : -1
  if (size !== other.cachedSize) return size - other.cachedSize
  return id - other.id
}

function compareEvictable(a: FetchSession, b: FetchSession): number {
  return compareKeys(a.privileged, a.cachedSize, a.id, b)
}
