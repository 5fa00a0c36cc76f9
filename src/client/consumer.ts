import type { Timer } from '../common/scheduler.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import {
  decodeFetchResponse,
  encodeFetchRequest,
  type FetchRequestFetchTopic,
  type FetchResponse,
  type FetchResponsePartitionData,
} from '../protocol/generated/fetch.ts'
import { ZERO_UUID } from '../protocol/primitives/uuid.ts'
import { ControlRecordType, decodeRecordBatches, type RecordHeader } from '../protocol/records/records.ts'
import { Cluster, type ClusterOptions } from './cluster.ts'
import { ClientClosedError, isRetriable, KafkaResponseError, needsMetadataRefresh } from './errors.ts'
import { IsolationLevel, type ListOffsetsQuery, listOffsets } from './list-offsets.ts'

/** Where to start: an offset, the log start, the log end, or the first record at or after a time. */
export type OffsetStart = number | 'earliest' | 'latest' | { timestamp: number }

export interface ConsumerOptions extends ClusterOptions {
  /**
   * read_uncommitted (Kafka's Java default, used here) returns every record up to the high watermark;
   * read_committed stops at the last stable offset and drops records of aborted transactions.
   */
  isolationLevel?: 'read_uncommitted' | 'read_committed'
  /** fetch.max.bytes: soft limit of one Fetch response. Default 52428800. */
  maxBytes?: number
  /** max.partition.fetch.bytes. Default 1048576. */
  maxPartitionBytes?: number
  /** fetch.min.bytes: the broker waits for this much data (or maxWaitMs). Default 1. */
  minBytes?: number
  /** fetch.max.wait.ms: the broker's long-poll limit. Default 500. */
  maxWaitMs?: number
  /** auto.offset.reset: where to start without an offset, or after OFFSET_OUT_OF_RANGE. Default 'latest'. */
  autoOffsetReset?: 'earliest' | 'latest' | 'none'
}

export interface ConsumerRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export interface TopicPartitionStart {
  topic: string
  partition: number
  /** Default: the autoOffsetReset policy. */
  offset?: OffsetStart
}

interface PartitionState {
  readonly topic: string
  readonly partition: number
  /** The next offset poll() returns; null while a reset (ListOffsets) is needed. */
  position: number | null
  /** How to find the position when it is null; null = no policy (autoOffsetReset 'none'). */
  resetTo: 'earliest' | 'latest' | { timestamp: number } | null
  /** Bumped by every seek so an in-flight reset or fetch for an older position is ignored. */
  epoch: number
  resetting: boolean
  fetching: boolean
  buffered: CompletedFetch | null
  retryAtMs: number
  /** Failed fetches or resets in a row, for the backoff. */
  failures: number
  highWatermark: number
}

interface CompletedFetch {
  readonly state: PartitionState
  readonly epoch: number
  readonly fetchOffset: number
  readonly records: ConsumerRecord[]
  readonly nextOffset: number
}

const FETCH_VERSION_MAX = 12
/** v4 is the first with isolation levels and record batches (magic 2) only. */
const FETCH_VERSION_MIN = 4
const POLL_WAIT_MS_DEFAULT = 1000

/**
 * A consumer of explicitly assigned partitions (consumer groups come later). One Fetch request per
 * leader broker is kept in flight for the partitions that have no undelivered data; poll() hands over
 * what has arrived and immediately sends the next fetches, so fetching overlaps the caller's processing.
 * Each fetched batch is decoded once into records; aborted transactions (read_committed) and control
 * batches are skipped. Sessionless full fetches (no KIP-227 session) keep the state simple.
 */
export class Consumer {
  readonly #cluster: Cluster
  readonly #isolationLevel: IsolationLevel
  readonly #maxBytes: number
  readonly #maxPartitionBytes: number
  readonly #minBytes: number
  readonly #maxWaitMs: number
  readonly #autoOffsetReset: 'earliest' | 'latest' | 'none'
  readonly #assignments = new Map<string, PartitionState>()
  /** Fetched data not yet returned; at most one entry per assigned partition. */
  #completed: CompletedFetch[] = []
  readonly #fetchingNodes = new Set<number>()
  #pendingError: unknown = null
  #wake: { promise: Promise<void>; resolve: () => void } | null = null
  #timer: { timer: Timer; atMs: number } | null = null
  #refreshing = false
  #fetchRound = 0
  #closed = false

  constructor(options: ConsumerOptions) {
    this.#cluster = new Cluster(options)
    this.#isolationLevel =
      options.isolationLevel === 'read_committed' ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted
    this.#maxBytes = options.maxBytes ?? 52_428_800
    this.#maxPartitionBytes = options.maxPartitionBytes ?? 1_048_576
    this.#minBytes = options.minBytes ?? 1
    this.#maxWaitMs = options.maxWaitMs ?? 500
    this.#autoOffsetReset = options.autoOffsetReset ?? 'latest'
  }

  get cluster(): Cluster {
    return this.#cluster
  }

  /** Fetches metadata once, so a wrong bootstrap address fails here rather than in poll(). */
  async connect(): Promise<void> {
    await this.#cluster.retry(() => this.#cluster.refreshMetadata())
  }

  /**
   * Replaces the assignment. A partition that stays assigned without a new `offset` keeps its position;
   * the others start at `offset`, or where autoOffsetReset says.
   */
  assign(partitions: readonly TopicPartitionStart[]): void {
    this.#checkOpen()
    const keep = new Set<string>()
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition)
      keep.add(key)
      const existing = this.#assignments.get(key)
      if (existing !== undefined && tp.offset === undefined) continue
      const state: PartitionState = existing ?? {
        topic: tp.topic,
        partition: tp.partition,
        position: null,
        resetTo: null,
        epoch: 0,
        resetting: false,
        fetching: false,
        buffered: null,
        retryAtMs: 0,
        failures: 0,
        highWatermark: -1,
      }
      this.#assignments.set(key, state)
      this.#setStart(state, tp.offset)
    }
    for (const key of [...this.#assignments.keys()]) if (!keep.has(key)) this.#assignments.delete(key)
    this.#completed = this.#completed.filter(
      (c) => this.#assignments.get(tpKey(c.state.topic, c.state.partition)) === c.state,
    )
    this.#kick(true)
  }

  /** Adds every partition of `topic` (replacing any assignment of that topic), starting at `from`. */
  async assignAll(topic: string, from?: OffsetStart): Promise<void> {
    const info = await this.#cluster.retry(() => this.#cluster.topicInfo(topic))
    const others = [...this.#assignments.values()]
      .filter((s) => s.topic !== topic)
      .map((s) => ({ topic: s.topic, partition: s.partition }))
    const mine = info.partitions.map((p) =>
      from === undefined ? { topic, partition: p.partition } : { topic, partition: p.partition, offset: from },
    )
    // Partitions of `topic` get a fresh start even when already assigned.
    for (const s of [...this.#assignments.values()])
      if (s.topic === topic) this.#assignments.delete(tpKey(topic, s.partition))
    this.assign([...others, ...mine])
  }

  assignment(): { topic: string; partition: number }[] {
    return [...this.#assignments.values()].map((s) => ({ topic: s.topic, partition: s.partition }))
  }

  /** Moves the position of an assigned partition; data already fetched for it is dropped. */
  seek(topic: string, partition: number, offset: OffsetStart): void {
    const state = this.#assignments.get(tpKey(topic, partition))
    // A caller's mistake, not a broker or network condition (Java throws IllegalStateException).
    if (state === undefined) throw new Error(`${topic}-${partition} is not assigned to this consumer`)
    this.#setStart(state, offset)
    this.#completed = this.#completed.filter((c) => c.state !== state)
    this.#kick(false)
  }

  /** The offset of the next record poll() returns for the partition; null until it is known. */
  position(topic: string, partition: number): number | null {
    return this.#assignments.get(tpKey(topic, partition))?.position ?? null
  }

  /** The partition's high watermark from the last fetch response; -1 before the first. */
  highWatermark(topic: string, partition: number): number {
    return this.#assignments.get(tpKey(topic, partition))?.highWatermark ?? -1
  }

  /**
   * Records that have arrived, waiting up to `maxWaitMs` (default 1000) for some when there are none.
   * Returns [] on timeout or after close(). Throws a fetch error that cannot be retried (for example
   * OFFSET_OUT_OF_RANGE with autoOffsetReset 'none'), once.
   */
  async poll(options: { maxWaitMs?: number } = {}): Promise<ConsumerRecord[]> {
    if (this.#closed) return []
    this.#throwPendingError()
    if (this.#completed.length === 0) {
      this.#kick(false)
      const waitMs = options.maxWaitMs ?? POLL_WAIT_MS_DEFAULT
      if (waitMs > 0) {
        this.#wake ??= withResolvers()
        const wake = this.#wake
        const timer = this.#cluster.scheduler.schedule(waitMs, () => wake.resolve())
        await wake.promise
        timer.cancel()
        if (this.#wake === wake) this.#wake = null
      }
      if (this.#closed) return []
      this.#throwPendingError()
    }
    const records = this.#takeCompleted()
    this.#kick(false)
    return records
  }

  /** Yields non-empty arrays of records until close(). */
  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumerRecord[], void, undefined> {
    while (!this.#closed) {
      const records = await this.poll()
      if (records.length > 0) yield records
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#timer?.timer.cancel()
    this.#timer = null
    this.#wakeUp()
    await this.#cluster.close()
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClientClosedError('the consumer is closed')
  }

  #throwPendingError(): void {
    if (this.#pendingError === null) return
    const err = this.#pendingError
    this.#pendingError = null
    throw err
  }

  #setStart(state: PartitionState, offset: OffsetStart | undefined): void {
    state.epoch++
    state.buffered = null
    state.retryAtMs = 0
    state.failures = 0
    if (typeof offset === 'number') {
      state.position = offset
      state.resetTo = null
      return
    }
    state.position = null
    state.resetTo = offset ?? (this.#autoOffsetReset === 'none' ? null : this.#autoOffsetReset)
  }

  #takeCompleted(): ConsumerRecord[] {
    const completed = this.#completed
    this.#completed = []
    let out: ConsumerRecord[] = []
    for (const c of completed) {
      const { state } = c
      state.buffered = null
      if (state.epoch !== c.epoch || state.position !== c.fetchOffset) continue
      state.position = c.nextOffset
      if (c.records.length === 0) continue
      if (out.length === 0) out = c.records
      else for (const r of c.records) out.push(r)
    }
    return out
  }

  #wakeUp(): void {
    if (this.#wake === null) return
    this.#wake.resolve()
    this.#wake = null
  }

  /** Starts what can start now: position resets, metadata refreshes and fetches. */
  #kick(refresh: boolean): void {
    if (this.#closed) return
    const monotonicMs = this.#cluster.scheduler.clock.monotonicMs()
    const toReset: PartitionState[] = []
    const byNode = new Map<number, PartitionState[]>()
    let needMetadata = refresh
    let nextRetryMs = Number.POSITIVE_INFINITY
    for (const state of this.#assignments.values()) {
      if (state.retryAtMs > monotonicMs) {
        nextRetryMs = Math.min(nextRetryMs, state.retryAtMs)
        continue
      }
      if (state.position === null) {
        if (!state.resetting) toReset.push(state)
        continue
      }
      if (state.fetching || state.buffered !== null) continue
      const leader = this.#cluster.topic(state.topic)?.partitions[state.partition]?.leader ?? -1
      if (leader < 0) {
        needMetadata = true
        continue
      }
      if (this.#fetchingNodes.has(leader)) continue
      let list = byNode.get(leader)
      if (list === undefined) {
        list = []
        byNode.set(leader, list)
      }
      list.push(state)
    }
    if (toReset.length > 0) void this.#resetPositions(toReset)
    for (const [node, states] of byNode) void this.#fetch(node, states)
    if (needMetadata) this.#refreshMetadata()
    if (nextRetryMs !== Number.POSITIVE_INFINITY) this.#scheduleKick(nextRetryMs - monotonicMs)
  }

  #scheduleKick(delayMs: number): void {
    const atMs = this.#cluster.scheduler.clock.monotonicMs() + delayMs
    if (this.#timer !== null && this.#timer.atMs <= atMs) return
    this.#timer?.timer.cancel()
    const timer = this.#cluster.scheduler.schedule(delayMs, () => {
      this.#timer = null
      this.#kick(false)
    })
    this.#timer = { timer, atMs }
  }

  #refreshMetadata(): void {
    if (this.#refreshing || this.#closed) return
    this.#refreshing = true
    const topics = [...new Set([...this.#assignments.values()].map((s) => s.topic))]
    this.#cluster
      .refreshMetadata(topics)
      .catch(() => undefined)
      .finally(() => {
        this.#refreshing = false
        if (this.#closed) return
        const leaderless = [...this.#assignments.values()].some(
          (s) => (this.#cluster.topic(s.topic)?.partitions[s.partition]?.leader ?? -1) < 0,
        )
        if (leaderless) this.#scheduleKick(this.#cluster.backoffMs(0))
        else this.#kick(false)
      })
  }

  /** Holds the partition back, longer after each failure in a row (up to retryBackoffMaxMs). */
  #backOff(state: PartitionState): void {
    const attempt = state.failures++
    state.retryAtMs = this.#cluster.scheduler.clock.monotonicMs() + this.#cluster.backoffMs(attempt)
  }

  async #resetPositions(states: PartitionState[]): Promise<void> {
    const queries: ListOffsetsQuery[] = []
    const pending: { state: PartitionState; epoch: number }[] = []
    for (const state of states) {
      if (state.resetTo === null) {
        this.#pendingError ??= new KafkaResponseError(ErrorCode.OFFSET_OUT_OF_RANGE, {
          resource: state.topic,
          partition: state.partition,
          message: 'no offset to start from and autoOffsetReset is none',
        })
        this.#backOff(state)
        continue
      }
      const r = state.resetTo
      queries.push({ topic: state.topic, partition: state.partition, spec: typeof r === 'object' ? r.timestamp : r })
      pending.push({ state, epoch: state.epoch })
      state.resetting = true
    }
    this.#wakeUp()
    if (queries.length === 0) return
    try {
      const offsets = await listOffsets(this.#cluster, queries, this.#isolationLevel)
      for (let i = 0; i < pending.length; i++) {
        const { state, epoch } = pending[i]!
        const found = offsets[i]!
        if (state.epoch !== epoch) continue
        state.failures = 0
        // A time after the last record: start at the end, as Kafka's consumer does.
        if (found.offset < 0) state.resetTo = 'latest'
        else state.position = found.offset
      }
    } catch (err) {
      if (this.#closed) return
      if (!isRetriable(err)) this.#pendingError ??= err
      for (const { state } of pending) this.#backOff(state)
      this.#wakeUp()
    } finally {
      for (const { state } of pending) state.resetting = false
      this.#kick(false)
    }
  }

  async #fetch(node: number, states: PartitionState[]): Promise<void> {
    this.#fetchingNodes.add(node)
    // Rotate the partition order: only the first partition with data is sure to get a whole batch larger
    // than maxPartitionBytes (KIP-74), so every partition gets its turn at the front.
    const shift = this.#fetchRound++ % states.length
    if (shift > 0) states = [...states.slice(shift), ...states.slice(0, shift)]
    const sent = states.map((s) => ({ state: s, epoch: s.epoch, fetchOffset: s.position! }))
    for (const s of states) s.fetching = true
    try {
      const conn = await this.#cluster.connectionTo(node)
      const version = conn.versionFor(ApiKey.Fetch, FETCH_VERSION_MAX, FETCH_VERSION_MIN)
      const topics = new Map<string, FetchRequestFetchTopic>()
      for (const { state, fetchOffset } of sent) {
        let t = topics.get(state.topic)
        if (t === undefined) {
          t = { topic: state.topic, topicId: ZERO_UUID, partitions: [] }
          topics.set(state.topic, t)
        }
        t.partitions.push({
          partition: state.partition,
          currentLeaderEpoch: -1,
          fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1,
          partitionMaxBytes: this.#maxPartitionBytes,
          replicaDirectoryId: ZERO_UUID,
        })
      }
      const response = await conn.request(
        ApiKey.Fetch,
        version,
        (w, v) =>
          encodeFetchRequest(w, v, {
            clusterId: null,
            replicaId: -1,
            replicaState: { replicaId: -1, replicaEpoch: -1 },
            maxWaitMs: this.#maxWaitMs,
            minBytes: this.#minBytes,
            maxBytes: this.#maxBytes,
            isolationLevel: this.#isolationLevel,
            // Session id 0 with epoch -1: a full fetch outside any fetch session.
            sessionId: 0,
            sessionEpoch: -1,
            topics: [...topics.values()],
            forgottenTopicsData: [],
            rackId: '',
          }),
        decodeFetchResponse,
        { timeoutMs: this.#cluster.requestTimeoutMs + this.#maxWaitMs },
      )
      this.#onFetchResponse(response, sent)
    } catch (err) {
      if (this.#closed) return
      if (!isRetriable(err)) this.#pendingError ??= err
      if (needsMetadataRefresh(err)) this.#refreshMetadata()
      for (const { state } of sent) this.#backOff(state)
      this.#wakeUp()
    } finally {
      for (const s of states) s.fetching = false
      this.#fetchingNodes.delete(node)
      this.#kick(false)
    }
  }

  #onFetchResponse(
    response: FetchResponse,
    sent: readonly { state: PartitionState; epoch: number; fetchOffset: number }[],
  ): void {
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(response.errorCode)
    const byTp = new Map<string, FetchResponsePartitionData>()
    for (const t of response.responses) for (const p of t.partitions) byTp.set(tpKey(t.topic, p.partitionIndex), p)
    let arrived = false
    for (const { state, epoch, fetchOffset } of sent) {
      const data = byTp.get(tpKey(state.topic, state.partition))
      // Moved by seek() or unassigned meanwhile: the answer is for a position nobody wants any more.
      if (data === undefined || state.epoch !== epoch || state.position !== fetchOffset) continue
      if (this.#assignments.get(tpKey(state.topic, state.partition)) !== state) continue
      if (data.errorCode !== ErrorCode.NONE) {
        this.#onPartitionError(state, data.errorCode)
        arrived = true
        continue
      }
      state.failures = 0
      if (data.highWatermark >= 0) state.highWatermark = data.highWatermark
      let completed: CompletedFetch | null
      try {
        completed = this.#decode(state, epoch, fetchOffset, data)
      } catch (err) {
        this.#pendingError ??= err
        this.#backOff(state)
        arrived = true
        continue
      }
      if (completed === null) continue
      state.buffered = completed
      this.#completed.push(completed)
      arrived = true
    }
    if (arrived) this.#wakeUp()
  }

  #onPartitionError(state: PartitionState, errorCode: number): void {
    const err = new KafkaResponseError(errorCode, { resource: state.topic, partition: state.partition })
    if (errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (this.#autoOffsetReset === 'none') {
        this.#pendingError ??= err
        this.#backOff(state)
        return
      }
      this.#setStart(state, this.#autoOffsetReset)
      return
    }
    if (!err.retriable) this.#pendingError ??= err
    if (needsMetadataRefresh(err)) this.#refreshMetadata()
    this.#backOff(state)
  }

  /** Decodes one partition's records once; null when nothing new arrived. */
  #decode(
    state: PartitionState,
    epoch: number,
    fetchOffset: number,
    data: FetchResponsePartitionData,
  ): CompletedFetch | null {
    const bytes = data.records
    if (bytes === null || bytes.length === 0) return null
    const batches = decodeRecordBatches(bytes)
    const { topic, partition } = state
    const readCommitted = this.#isolationLevel === IsolationLevel.ReadCommitted
    const aborted = readCommitted ? abortedTransactions(data) : null
    const abortedProducers = new Set<number>()
    const records: ConsumerRecord[] = []
    let nextOffset = fetchOffset
    for (const batch of batches) {
      const lastOffset =
        batch.lastOffsetDelta >= 0
          ? batch.baseOffset + batch.lastOffsetDelta
          : (batch.records.at(-1)?.offset ?? batch.baseOffset)
      if (lastOffset < fetchOffset) continue
      nextOffset = Math.max(nextOffset, lastOffset + 1)
      if (aborted !== null && batch.producerId >= 0) {
        // Kafka's rule: producers whose aborted transaction began at or before this batch are aborted
        // until their ABORT marker; their transactional batches in between are dropped.
        while (aborted.length > 0 && aborted[0]!.firstOffset <= lastOffset)
          abortedProducers.add(aborted.shift()!.producerId)
        if (batch.isControl) {
          if (isAbortMarker(batch.records[0]?.key ?? null)) abortedProducers.delete(batch.producerId)
          continue
        }
        if (batch.isTransactional && abortedProducers.has(batch.producerId)) continue
      }
      if (batch.isControl) continue
      for (const r of batch.records) {
        if (r.offset < fetchOffset) continue
        records.push({
          topic,
          partition,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
          headers: r.headers,
        })
      }
    }
    if (nextOffset === fetchOffset) return null
    return { state, epoch, fetchOffset, records, nextOffset }
  }
}

function abortedTransactions(data: FetchResponsePartitionData): { producerId: number; firstOffset: number }[] {
  const list = (data.abortedTransactions ?? []).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }))
  return list.sort((a, b) => a.firstOffset - b.firstOffset)
}

function isAbortMarker(key: Buffer | null): boolean {
  return key !== null && key.length >= 4 && key.readInt16BE(2) === ControlRecordType.Abort
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((res) => {
    resolve = res
  })
  return { promise, resolve }
}
