import type { Timer } from '../common/scheduler.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import { decodeInitProducerIdResponse, encodeInitProducerIdRequest } from '../protocol/generated/init-producer-id.ts'
import {
  decodeProduceResponse,
  encodeProduceRequest,
  type ProduceRequestTopicProduceData,
  type ProduceResponse,
} from '../protocol/generated/produce.ts'
import { CompressionType } from '../protocol/records/compression/index.ts'
import { encodeRecordBatch, type RecordHeader, type RecordInput } from '../protocol/records/records.ts'
import { Cluster, type ClusterOptions } from './cluster.ts'
import {
  ClientClosedError,
  ClientTimeoutError,
  isRetriable,
  KafkaResponseError,
  needsMetadataRefresh,
  UnsupportedVersionError,
} from './errors.ts'
import { createDefaultPartitioner, createRoundRobinPartitioner, type Partitioner } from './partitioner.ts'

export type Acks = 0 | 1 | -1
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

export interface ProducerOptions extends ClusterOptions {
  /** Default acks: -1 (all in-sync replicas), 1 (leader) or 0 (no response at all). Default -1. */
  acks?: Acks
  /** linger.ms: how long a batch may wait for more records. Default 5. */
  lingerMs?: number
  /** batch.size: a batch is sent once it holds about this many bytes. Default 16384. */
  batchBytes?: number
  compression?: CompressionName
  /** max.in.flight.requests.per.connection. Default 5. */
  maxInFlightRequests?: number
  /** max.request.size: bytes of batches in one Produce request. Default 1048576. */
  requestBytesMax?: number
  /** buffer.memory: bytes of records not yet acknowledged; send() waits while it is exceeded. Default 32 MiB. */
  bufferBytesMax?: number
  /** delivery.timeout.ms: a batch not acknowledged this long after it was created fails. Default 120000. */
  deliveryTimeoutMs?: number
  /** 'default' (murmur2, sticky for null keys), 'round-robin' (murmur2, round-robin for null keys) or a function. */
  partitioner?: 'default' | 'round-robin' | Partitioner
  /**
   * enable.idempotence: batches carry a producer id and per-partition sequence numbers, so a retried
   * batch is written once and in order. Default: true with acks -1, as Kafka's producer (a send() with
   * other acks then goes without); set true, it requires acks -1 everywhere.
   */
  idempotent?: boolean
}

export type HeaderValue = string | Buffer

export interface ProducerMessage {
  key?: Buffer | string | null
  value: Buffer | string | null
  headers?: Readonly<Record<string, HeaderValue>> | readonly { key: string; value: HeaderValue | null }[]
  partition?: number
  /** CreateTime in ms; default now. */
  timestamp?: number
}

export interface ProducerRecord {
  topic: string
  messages: readonly ProducerMessage[]
  acks?: Acks
}

export interface RecordMetadata {
  topic: string
  partition: number
  /** -1 with acks=0, which gets no answer. */
  offset: number
  /** The record's CreateTime, or the broker's time when the topic uses LogAppendTime. */
  timestamp: number
}

/** One send() call: resolves when every one of its records has been acknowledged. */
interface SendCall {
  readonly topic: string
  readonly results: RecordMetadata[]
  remaining: number
  settled: boolean
  readonly resolve: (value: RecordMetadata[]) => void
  readonly reject: (err: unknown) => void
}

interface ProducerBatch {
  readonly topic: string
  readonly partition: number
  readonly acks: Acks
  readonly records: RecordInput[]
  /** Per record, the send() call it belongs to and its index there (parallel arrays: no object per record). */
  readonly calls: SendCall[]
  readonly indexes: number[]
  bytes: number
  readonly createdMs: number
  encoded: Buffer | null
  /** Idempotence: the producer id, epoch and first sequence of the first attempt, kept for every retry. */
  producerId: number
  producerEpoch: number
  baseSequence: number
  attempts: number
  retryAtMs: number
  state: 'open' | 'ready' | 'in-flight' | 'done'
}

const PRODUCE_VERSION_MAX = 11
const INIT_PRODUCER_ID_VERSION_MAX = 5
/** Sequence numbers wrap to 0 after Int32.MAX_VALUE, as Kafka's DefaultRecordBatch.incrementSequence. */
const SEQUENCE_MAX = 0x7fffffff
/**
 * Answers after which this producer id's sequence for the partition is unknown: the batch fails and
 * the producer takes a new id (sequences restart at 0), as Kafka's producer resets its idempotent state.
 */
const SEQUENCE_RESET_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ErrorCode.UNKNOWN_PRODUCER_ID,
  ErrorCode.INVALID_PRODUCER_EPOCH,
])
/** v3 is the first with record batches (magic 2); v7 the first that may carry zstd. */
const PRODUCE_VERSION_MIN = 3
const ZSTD_PRODUCE_VERSION_MIN = 7
const BATCH_OVERHEAD_BYTES = 61
/** Upper bound of a record's framing (length, attributes, deltas, key/value lengths, header count). */
const RECORD_OVERHEAD_BYTES = 21
const COMPRESSION_CODES: Record<CompressionName, CompressionType> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

/**
 * Kafka's producer: records are grouped into one batch per partition, sent when the batch reaches
 * `batchBytes` or has waited `lingerMs`, with up to `maxInFlightRequests` Produce requests per broker,
 * each carrying at most one batch per partition.
 *
 * Idempotent by default (with acks -1): an InitProducerId gives the producer an id, each batch carries
 * it with the partition's next sequence number, and one batch per partition is in flight at a time, so a
 * retried batch (lost connection, timeout, retriable error) keeps its sequence: the broker answers a
 * duplicate with the original offset and order holds. Without idempotence a retried batch whose first
 * attempt reached the log is written twice, and can land after a later one of its partition.
 */
export class Producer {
  readonly #cluster: Cluster
  readonly #acks: Acks
  readonly #lingerMs: number
  readonly #batchBytes: number
  readonly #compression: CompressionType
  readonly #maxInFlightRequests: number
  readonly #requestBytesMax: number
  readonly #bufferBytesMax: number
  readonly #deliveryTimeoutMs: number
  readonly #partitioner: Partitioner
  /** False when asked for, or by default when the broker cannot give producer ids (no InitProducerId). */
  #idempotent: boolean
  readonly #idempotenceRequired: boolean
  /** Idempotence: the id and epoch new batches get (null until InitProducerId answered), next sequences. */
  #producer: { id: number; epoch: number } | null = null
  #initializingProducer = false
  readonly #nextSequence = new Map<string, number>()
  /** Idempotence: partitions (batch keys) with a batch in flight; the next waits for its answer. */
  readonly #inFlightPartitions = new Set<string>()
  /** Batches still accepting records, by topic, partition and acks. */
  readonly #open = new Map<string, ProducerBatch>()
  /** Closed batches waiting to be sent, a FIFO per partition (and acks); retries go to the front. */
  readonly #ready = new Map<string, ProducerBatch[]>()
  readonly #inFlightByNode = new Map<number, number>()
  #bufferedBytes = 0
  #outstandingBatches = 0
  #lingerTimer: Timer | null = null
  #drainTimer: { timer: Timer; atMs: number } | null = null
  #refreshing = false
  #spaceFreed: { promise: Promise<void>; resolve: () => void } | null = null
  #idle: { promise: Promise<void>; resolve: () => void } | null = null
  #closed = false

  constructor(options: ProducerOptions) {
    this.#cluster = new Cluster(options)
    this.#acks = options.acks ?? -1
    this.#lingerMs = options.lingerMs ?? 5
    this.#batchBytes = options.batchBytes ?? 16_384
    this.#compression = COMPRESSION_CODES[options.compression ?? 'none']
    this.#maxInFlightRequests = options.maxInFlightRequests ?? 5
    this.#requestBytesMax = options.requestBytesMax ?? 1_048_576
    this.#bufferBytesMax = options.bufferBytesMax ?? 32 * 1024 * 1024
    this.#deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000
    if (options.idempotent === true && this.#acks !== -1) {
      throw new TypeError(`an idempotent producer needs acks -1 (all), not ${this.#acks}`)
    }
    this.#idempotent = options.idempotent ?? this.#acks === -1
    this.#idempotenceRequired = options.idempotent === true
    const p = options.partitioner ?? 'default'
    this.#partitioner =
      p === 'default'
        ? createDefaultPartitioner(this.#batchBytes)
        : p === 'round-robin'
          ? createRoundRobinPartitioner()
          : p
  }

  get cluster(): Cluster {
    return this.#cluster
  }

  /** Fetches metadata once, so a wrong bootstrap address fails here rather than in the first send. */
  async connect(): Promise<void> {
    await this.#cluster.retry(() => this.#cluster.refreshMetadata())
  }

  /**
   * Queues the messages and resolves, once all are acknowledged, with each one's partition and offset
   * (in message order). Rejects with the first error that failed one of them after retries.
   */
  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (this.#closed) throw new ClientClosedError('the producer is closed')
    const { topic, messages } = record
    const acks = record.acks ?? this.#acks
    if (this.#idempotenceRequired && acks !== -1) {
      throw new TypeError(`an idempotent producer sends with acks -1 (all), not ${acks}`)
    }
    if (messages.length === 0) return []
    while (this.#bufferedBytes >= this.#bufferBytesMax) await this.#waitForSpace()
    let info = this.#cluster.freshTopic(topic) ?? (await this.#cluster.retry(() => this.#cluster.topicInfo(topic)))
    let highest = -1
    for (const m of messages) {
      if (m.partition === undefined) continue
      if (!Number.isInteger(m.partition) || m.partition < 0) {
        throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, {
          resource: topic,
          partition: m.partition,
          message: 'a partition is an integer from 0',
        })
      }
      if (m.partition > highest) highest = m.partition
    }
    if (highest >= info.partitions.length) info = await this.#cluster.topicInfo(topic, { refresh: true })
    if (this.#closed) throw new ClientClosedError('the producer is closed')
    const partitionCount = info.partitions.length
    if (highest >= partitionCount) {
      throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, {
        resource: topic,
        partition: highest,
        message: `the topic has ${partitionCount} partitions`,
      })
    }
    const available = info.partitions.filter((p) => p.leader >= 0).map((p) => p.partition)
    const { clock } = this.#cluster.scheduler
    const nowMs = clock.nowMs()
    const monotonicMs = clock.monotonicMs()
    const results = new Array<RecordMetadata>(messages.length)
    const { promise, resolve, reject } = withResolvers<RecordMetadata[]>()
    const call: SendCall = { topic, results, remaining: messages.length, settled: false, resolve, reject }
    const touched = this.#lingerMs === 0 ? new Set<ProducerBatch>() : null
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!
      const key = toBuffer(m.key ?? null)
      const value = toBuffer(m.value)
      const headers = toHeaders(m.headers)
      const partition =
        m.partition ?? this.#partitioner({ topic, key, value, partitionCount, availablePartitions: available })
      const input: RecordInput = { key, value, headers, timestamp: m.timestamp ?? nowMs }
      const bytes = sizeOfRecord(key, value, headers)
      const batch = this.#append(topic, partition, acks, input, bytes, call, i, monotonicMs)
      touched?.add(batch)
    }
    if (touched !== null) for (const b of touched) this.#closeBatch(b)
    this.#drain()
    return promise
  }

  /** Sends every queued record now and resolves once all of them are acknowledged (or failed). */
  async flush(): Promise<void> {
    for (const batch of [...this.#open.values()]) this.#closeBatch(batch)
    this.#drain()
    if (this.#outstandingBatches === 0) return
    this.#idle ??= withResolvers<void>()
    await this.#idle.promise
  }

  /** Flushes, then closes the connections. Later sends reject with ClientClosedError. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.flush()
    this.#closed = true
    this.#lingerTimer?.cancel()
    this.#drainTimer?.timer.cancel()
    await this.#cluster.close()
  }

  #append(
    topic: string,
    partition: number,
    acks: Acks,
    record: RecordInput,
    bytes: number,
    call: SendCall,
    index: number,
    monotonicMs: number,
  ): ProducerBatch {
    const key = batchKey(topic, partition, acks)
    let batch = this.#open.get(key)
    if (batch !== undefined && batch.bytes + bytes > this.#batchBytes) {
      this.#closeBatch(batch)
      batch = undefined
    }
    if (batch === undefined) {
      batch = {
        topic,
        partition,
        acks,
        records: [],
        calls: [],
        indexes: [],
        bytes: BATCH_OVERHEAD_BYTES,
        createdMs: monotonicMs,
        encoded: null,
        producerId: -1,
        producerEpoch: -1,
        baseSequence: -1,
        attempts: 0,
        retryAtMs: 0,
        state: 'open',
      }
      this.#open.set(key, batch)
      this.#outstandingBatches++
      this.#bufferedBytes += BATCH_OVERHEAD_BYTES
      if (this.#lingerMs > 0 && this.#lingerTimer === null) this.#scheduleLinger(this.#lingerMs)
    }
    batch.records.push(record)
    batch.calls.push(call)
    batch.indexes.push(index)
    batch.bytes += bytes
    this.#bufferedBytes += bytes
    if (batch.bytes >= this.#batchBytes) this.#closeBatch(batch)
    return batch
  }

  #closeBatch(batch: ProducerBatch): void {
    const key = batchKey(batch.topic, batch.partition, batch.acks)
    if (this.#open.get(key) !== batch) return
    this.#open.delete(key)
    batch.state = 'ready'
    const queue = this.#ready.get(key)
    if (queue === undefined) this.#ready.set(key, [batch])
    else queue.push(batch)
  }

  #scheduleLinger(delayMs: number): void {
    this.#lingerTimer = this.#cluster.scheduler.schedule(delayMs, () => {
      this.#lingerTimer = null
      const monotonicMs = this.#cluster.scheduler.clock.monotonicMs()
      let nextDueMs = Number.POSITIVE_INFINITY
      for (const batch of [...this.#open.values()]) {
        const dueMs = batch.createdMs + this.#lingerMs
        if (dueMs <= monotonicMs) this.#closeBatch(batch)
        else nextDueMs = Math.min(nextDueMs, dueMs)
      }
      if (nextDueMs !== Number.POSITIVE_INFINITY) this.#scheduleLinger(nextDueMs - monotonicMs)
      this.#drain()
    })
  }

  /**
   * Moves ready batches into Produce requests: per leader, at most `maxInFlightRequests` requests, one
   * batch per partition per request, up to `requestBytesMax`. Each round takes the head batch of every
   * partition queue, so the cost is per partition, not per queued batch. Batches whose leader is unknown
   * wait for a metadata refresh; a batch backing off holds back its partition (keeping order).
   */
  #drain(): void {
    if (this.#ready.size === 0) return
    if (this.#idempotent && this.#producer === null) {
      this.#initProducer()
      return
    }
    const producer = this.#producer
    const monotonicMs = this.#cluster.scheduler.clock.monotonicMs()
    let needMetadata = false
    let nextRetryMs = Number.POSITIVE_INFINITY
    for (;;) {
      const round = new Map<string, { node: number; acks: Acks; batches: ProducerBatch[]; bytes: number }>()
      for (const [key, queue] of this.#ready) {
        let batch = queue[0]
        while (batch !== undefined && monotonicMs - batch.createdMs >= this.#deliveryTimeoutMs) {
          queue.shift()
          this.#fail(batch, new ClientTimeoutError(`${batch.topic}-${batch.partition}: batch not delivered in time`))
          batch = queue[0]
        }
        if (batch === undefined) {
          this.#ready.delete(key)
          continue
        }
        if (batch.retryAtMs > monotonicMs) {
          nextRetryMs = Math.min(nextRetryMs, batch.retryAtMs)
          continue
        }
        const idempotent = producer !== null && batch.acks === -1
        if (idempotent && this.#inFlightPartitions.has(key)) continue
        const leader = this.#cluster.topic(batch.topic)?.partitions[batch.partition]?.leader ?? -1
        if (leader < 0) {
          needMetadata = true
          continue
        }
        const requestKey = `${leader}\0${batch.acks}`
        let request = round.get(requestKey)
        if (request === undefined) {
          const inFlight = this.#inFlightByNode.get(leader) ?? 0
          if (inFlight >= this.#maxInFlightRequests) continue
          this.#inFlightByNode.set(leader, inFlight + 1)
          request = { node: leader, acks: batch.acks, batches: [], bytes: 0 }
          round.set(requestKey, request)
        }
        if (request.bytes > 0 && request.bytes + batch.bytes > this.#requestBytesMax) continue
        queue.shift()
        if (queue.length === 0) this.#ready.delete(key)
        if (idempotent) {
          this.#inFlightPartitions.add(key)
          if (batch.baseSequence < 0) this.#assignSequence(key, batch, producer)
        }
        batch.state = 'in-flight'
        request.batches.push(batch)
        request.bytes += batch.bytes
      }
      if (round.size === 0) break
      for (const r of round.values()) void this.#sendRequest(r.node, r.acks, r.batches)
    }
    if (needMetadata) this.#refreshMetadata()
    if (nextRetryMs !== Number.POSITIVE_INFINITY) this.#scheduleDrain(nextRetryMs - monotonicMs)
  }

  /** A new batch's place in its partition's sequence, under the current producer id. */
  #assignSequence(key: string, batch: ProducerBatch, producer: { id: number; epoch: number }): void {
    const sequence = this.#nextSequence.get(key) ?? 0
    batch.producerId = producer.id
    batch.producerEpoch = producer.epoch
    batch.baseSequence = sequence
    const next = sequence + batch.records.length
    this.#nextSequence.set(key, next > SEQUENCE_MAX ? next - SEQUENCE_MAX - 1 : next)
  }

  /** InitProducerId (no transactional id) at any broker, retried; then the waiting batches go out. */
  #initProducer(): void {
    if (this.#initializingProducer || this.#closed) return
    this.#initializingProducer = true
    this.#cluster
      .retry(async () => {
        const conn = await this.#cluster.anyConnection()
        const version = conn.versionFor(ApiKey.InitProducerId, INIT_PRODUCER_ID_VERSION_MAX, 0)
        const res = await conn.request(
          ApiKey.InitProducerId,
          version,
          (w, v) =>
            encodeInitProducerIdRequest(w, v, {
              transactionalId: null,
              transactionTimeoutMs: 2_147_483_647,
              producerId: -1,
              producerEpoch: -1,
            }),
          decodeInitProducerIdResponse,
        )
        if (res.errorCode !== ErrorCode.NONE)
          throw new KafkaResponseError(res.errorCode, { resource: 'InitProducerId' })
        return { id: res.producerId, epoch: res.producerEpoch }
      })
      .then(
        (producer) => {
          this.#producer = producer
          this.#nextSequence.clear()
        },
        (err: unknown) => {
          if (err instanceof UnsupportedVersionError && !this.#idempotenceRequired) {
            // A broker without producer ids (before Kafka 0.11): idempotence was only the default.
            this.#idempotent = false
            return
          }
          // Nothing can be sent idempotently without an id: the waiting batches fail with the reason.
          for (const queue of this.#ready.values()) for (const b of queue) this.#fail(b, err)
          this.#ready.clear()
        },
      )
      .finally(() => {
        this.#initializingProducer = false
        this.#drain()
      })
  }

  #scheduleDrain(delayMs: number): void {
    const atMs = this.#cluster.scheduler.clock.monotonicMs() + delayMs
    if (this.#drainTimer !== null && this.#drainTimer.atMs <= atMs) return
    this.#drainTimer?.timer.cancel()
    const timer = this.#cluster.scheduler.schedule(delayMs, () => {
      this.#drainTimer = null
      this.#drain()
    })
    this.#drainTimer = { timer, atMs }
  }

  #refreshMetadata(): void {
    if (this.#refreshing || this.#closed) return
    this.#refreshing = true
    const topics = [...new Set([...this.#ready.values()].flatMap((q) => (q[0] === undefined ? [] : [q[0].topic])))]
    this.#cluster
      .refreshMetadata(topics)
      .catch(() => undefined)
      .finally(() => {
        this.#refreshing = false
        // Leaders may still be unknown (a topic being created): look again after a backoff.
        this.#scheduleDrain(this.#cluster.backoffMs(0))
      })
  }

  async #sendRequest(node: number, acks: Acks, batches: ProducerBatch[]): Promise<void> {
    try {
      const conn = await this.#cluster.connectionTo(node)
      const version = conn.versionFor(ApiKey.Produce, PRODUCE_VERSION_MAX, PRODUCE_VERSION_MIN)
      const sendable: ProducerBatch[] = []
      for (const b of batches) {
        if (this.#compression === CompressionType.Zstd && version < ZSTD_PRODUCE_VERSION_MIN) {
          this.#fail(b, new KafkaResponseError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, { resource: b.topic }))
          continue
        }
        b.encoded ??= encodeRecordBatch({
          records: b.records,
          compression: this.#compression,
          producerId: b.producerId,
          producerEpoch: b.producerEpoch,
          baseSequence: b.baseSequence,
        })
        sendable.push(b)
      }
      if (sendable.length === 0) return
      const topicData = groupByTopic(sendable)
      const timeoutMs = this.#cluster.requestTimeoutMs
      const encode = (w: Parameters<typeof encodeProduceRequest>[0], v: number) =>
        encodeProduceRequest(w, v, { transactionalId: null, acks, timeoutMs, topicData })
      if (acks === 0) {
        await conn.request(ApiKey.Produce, version, encode, null, { expectResponse: false })
        for (const b of sendable) this.#complete(b, -1, -1)
        return
      }
      const response = await conn.request(ApiKey.Produce, version, encode, decodeProduceResponse)
      this.#handleResponse(sendable, response)
    } catch (err) {
      for (const b of batches) if (b.state === 'in-flight') this.#retryOrFail(b, err)
    } finally {
      const n = (this.#inFlightByNode.get(node) ?? 1) - 1
      if (n <= 0) this.#inFlightByNode.delete(node)
      else this.#inFlightByNode.set(node, n)
      this.#drain()
    }
  }

  #handleResponse(batches: ProducerBatch[], response: ProduceResponse): void {
    const byTp = new Map<string, ProducerBatch>()
    for (const b of batches) byTp.set(`${b.topic}\0${b.partition}`, b)
    for (const t of response.responses) {
      for (const p of t.partitionResponses) {
        const batch = byTp.get(`${t.name}\0${p.index}`)
        if (batch === undefined) continue
        byTp.delete(`${t.name}\0${p.index}`)
        if (p.errorCode === ErrorCode.NONE) {
          this.#complete(batch, p.baseOffset, p.logAppendTimeMs)
        } else if (p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
          // Written by an earlier attempt, too long ago for the broker to recall its offset.
          this.#complete(batch, -1, -1)
        } else if (batch.producerId >= 0 && SEQUENCE_RESET_ERRORS.has(p.errorCode)) {
          this.#fail(batch, new KafkaResponseError(p.errorCode, { resource: t.name, partition: p.index }))
          if (this.#producer?.id === batch.producerId && this.#producer.epoch === batch.producerEpoch) {
            this.#producer = null
          }
        } else {
          const message = p.errorMessage ?? p.recordErrors[0]?.batchIndexErrorMessage ?? null
          this.#retryOrFail(
            batch,
            new KafkaResponseError(p.errorCode, { resource: t.name, partition: p.index, message }),
          )
        }
      }
    }
    for (const batch of byTp.values()) {
      this.#retryOrFail(
        batch,
        new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, {
          resource: batch.topic,
          partition: batch.partition,
          message: 'partition missing from the Produce response',
        }),
      )
    }
  }

  #retryOrFail(batch: ProducerBatch, err: unknown): void {
    if (!isRetriable(err) || batch.attempts >= this.#cluster.retries || this.#closed) {
      this.#fail(batch, err)
      return
    }
    batch.attempts++
    this.#inFlightPartitions.delete(batchKey(batch.topic, batch.partition, batch.acks))
    const backoffMs = this.#cluster.backoffMs(batch.attempts - 1)
    batch.retryAtMs = this.#cluster.scheduler.clock.monotonicMs() + backoffMs
    batch.state = 'ready'
    const key = batchKey(batch.topic, batch.partition, batch.acks)
    const queue = this.#ready.get(key)
    if (queue === undefined) this.#ready.set(key, [batch])
    else queue.unshift(batch)
    if (needsMetadataRefresh(err)) this.#refreshMetadata()
    this.#scheduleDrain(backoffMs)
  }

  #complete(batch: ProducerBatch, baseOffset: number, logAppendTimeMs: number): void {
    const { topic, partition, records, calls, indexes } = batch
    for (let i = 0; i < records.length; i++) {
      const call = calls[i]!
      if (call.settled) continue
      call.results[indexes[i]!] = {
        topic,
        partition,
        offset: baseOffset < 0 ? -1 : baseOffset + i,
        timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : records[i]!.timestamp,
      }
      if (--call.remaining === 0) {
        call.settled = true
        call.resolve(call.results)
      }
    }
    this.#release(batch)
  }

  #fail(batch: ProducerBatch, err: unknown): void {
    for (const call of batch.calls) {
      if (call.settled) continue
      call.settled = true
      call.reject(err)
    }
    this.#release(batch)
  }

  #release(batch: ProducerBatch): void {
    if (batch.state === 'in-flight') this.#inFlightPartitions.delete(batchKey(batch.topic, batch.partition, batch.acks))
    batch.state = 'done'
    this.#bufferedBytes -= batch.bytes
    this.#outstandingBatches--
    if (this.#spaceFreed !== null && this.#bufferedBytes < this.#bufferBytesMax) {
      this.#spaceFreed.resolve()
      this.#spaceFreed = null
    }
    if (this.#outstandingBatches === 0 && this.#idle !== null) {
      this.#idle.resolve()
      this.#idle = null
    }
  }

  #waitForSpace(): Promise<void> {
    // Records must leave the buffer for space to free up: send what is open.
    for (const batch of [...this.#open.values()]) this.#closeBatch(batch)
    this.#drain()
    this.#spaceFreed ??= withResolvers<void>()
    return this.#spaceFreed.promise
  }
}

function batchKey(topic: string, partition: number, acks: Acks): string {
  return `${topic}\0${partition}\0${acks}`
}

function groupByTopic(batches: readonly ProducerBatch[]): ProduceRequestTopicProduceData[] {
  const topics = new Map<string, ProduceRequestTopicProduceData>()
  for (const b of batches) {
    let t = topics.get(b.topic)
    if (t === undefined) {
      t = { name: b.topic, partitionData: [] }
      topics.set(b.topic, t)
    }
    t.partitionData.push({ index: b.partition, records: b.encoded })
  }
  return [...topics.values()]
}

function toBuffer(v: Buffer | string | null): Buffer | null {
  if (v === null) return null
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v
}

const NO_HEADERS: RecordHeader[] = []

function toHeaders(headers: ProducerMessage['headers']): RecordHeader[] {
  if (headers === undefined) return NO_HEADERS
  if (Array.isArray(headers)) {
    return (headers as readonly { key: string; value: HeaderValue | null }[]).map((h) => ({
      key: h.key,
      value: h.value === null ? null : toBuffer(h.value),
    }))
  }
  const out: RecordHeader[] = []
  for (const [key, value] of Object.entries(headers as Readonly<Record<string, HeaderValue>>)) {
    out.push({ key, value: toBuffer(value) })
  }
  return out
}

function sizeOfRecord(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
  let n = RECORD_OVERHEAD_BYTES + (key?.length ?? 0) + (value?.length ?? 0)
  for (const h of headers) n += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0)
  return n
}

function withResolvers<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
