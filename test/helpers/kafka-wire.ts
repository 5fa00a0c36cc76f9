/**
 * A raw Kafka wire client for tests: builds request frames with the generated codecs, sends them over
 * one TCP connection and hands back response frames in order. Tests use it to send exactly the bytes
 * they mean (bad input, fuzzing, byte-exact checks) and to read a partition back without any client
 * library in between.
 */
import { connect, type Socket } from 'node:net'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import {
  type CreateTopicsResponse,
  decodeCreateTopicsResponse,
  encodeCreateTopicsRequest,
} from '../../src/protocol/generated/create-topics.ts'
import {
  decodeFetchResponse,
  encodeFetchRequest,
  type FetchRequestFetchTopic,
  type FetchResponse,
} from '../../src/protocol/generated/fetch.ts'
import {
  decodeFindCoordinatorResponse,
  encodeFindCoordinatorRequest,
} from '../../src/protocol/generated/find-coordinator.ts'
import {
  decodeInitProducerIdResponse,
  encodeInitProducerIdRequest,
} from '../../src/protocol/generated/init-producer-id.ts'
import {
  decodeMetadataResponse,
  encodeMetadataRequest,
  type MetadataResponse,
} from '../../src/protocol/generated/metadata.ts'
import {
  decodeProduceResponse,
  encodeProduceRequest,
  type ProduceResponsePartitionProduceResponse,
} from '../../src/protocol/generated/produce.ts'
import { readResponseHeader, writeRequestHeader } from '../../src/protocol/headers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import type { CompressionType } from '../../src/protocol/records/compression/index.ts'
import { decodeRecordBatches } from '../../src/protocol/records/records.ts'

/** A complete request frame: int32 size, request header (v1, or v2 for flexible versions), body. */
export function requestFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: (w: Writer) => void,
  clientId: string | null = 'samsa-test',
): Buffer {
  const w = new Writer(256)
  w.writeInt32(0)
  writeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId })
  body(w)
  const buf = w.toBuffer()
  buf.writeInt32BE(buf.length - 4, 0)
  return buf
}

/** Thrown by a pending request when the broker closes the connection before answering it. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('connection closed by the broker')
    this.name = 'ConnectionClosedError'
  }
}

export class WireClient {
  readonly socket: Socket
  #buf: Buffer = Buffer.alloc(0)
  #frames: Buffer[] = []
  #waiters: (() => void)[] = []
  #closed = false
  #nextCorrelationId = 1

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d])
      while (this.#buf.length >= 4 && this.#buf.length >= 4 + this.#buf.readInt32BE(0)) {
        const n = this.#buf.readInt32BE(0)
        this.#frames.push(this.#buf.subarray(4, 4 + n))
        this.#buf = this.#buf.subarray(4 + n)
      }
      this.#wake()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.#closed = true
      this.#wake()
    })
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    const socket = connect({ host, port })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new WireClient(socket)
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** The next correlation id this client would use (ids increase by one per request). */
  correlationId(): number {
    return this.#nextCorrelationId++
  }

  send(bytes: Buffer): void {
    if (!this.#closed) this.socket.write(bytes)
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w()
  }

  async #waitFor(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((r) => this.#waiters.push(r))
  }

  /**
   * The next response frame (correlation id first), or ConnectionClosedError. Callers waiting at once
   * get frames in the order they asked, so requests may be pipelined.
   */
  async nextFrame(): Promise<Buffer> {
    for (;;) {
      const f = this.#frames.shift()
      if (f !== undefined) return f
      if (this.#closed) throw new ConnectionClosedError()
      await new Promise<void>((r) => this.#waiters.push(r))
    }
  }

  /** Resolves once the broker has closed the connection; the frames it sent before are returned. */
  async waitClosed(): Promise<Buffer[]> {
    await this.#waitFor(() => this.#closed)
    return this.#frames.splice(0)
  }

  /** Sends one request and decodes its response (which must be the next frame on this connection). */
  async request<T>(
    apiKey: number,
    apiVersion: number,
    body: (w: Writer) => void,
    decode: (r: Reader, v: number) => T,
  ): Promise<T> {
    const correlationId = this.correlationId()
    this.send(requestFrame(apiKey, apiVersion, correlationId, body))
    const frame = await this.nextFrame()
    const r = new Reader(frame)
    const got = readResponseHeader(r, apiKey, apiVersion)
    if (got !== correlationId) throw new Error(`expected correlation id ${correlationId}, got ${got}`)
    const res = decode(r, apiVersion)
    if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after the response body`)
    return res
  }

  async metadata(
    topics: string[] | null,
    options: { version?: number; autoCreate?: boolean } = {},
  ): Promise<MetadataResponse> {
    const version = options.version ?? 12
    return this.request(
      ApiKey.Metadata,
      version,
      (w) =>
        encodeMetadataRequest(w, version, {
          topics: topics === null ? null : topics.map((name) => ({ name, topicId: ZERO_UUID })),
          allowAutoTopicCreation: options.autoCreate ?? false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        }),
      decodeMetadataResponse,
    )
  }

  async createTopic(
    name: string,
    numPartitions: number,
    options: { version?: number; configs?: Record<string, string>; replicationFactor?: number } = {},
  ): Promise<CreateTopicsResponse> {
    const version = options.version ?? 7
    return this.request(
      ApiKey.CreateTopics,
      version,
      (w) =>
        encodeCreateTopicsRequest(w, version, {
          topics: [
            {
              name,
              numPartitions,
              replicationFactor: options.replicationFactor ?? 1,
              assignments: [],
              configs: Object.entries(options.configs ?? {}).map(([k, v]) => ({ name: k, value: v })),
            },
          ],
          timeoutMs: 30_000,
          validateOnly: false,
        }),
      decodeCreateTopicsResponse,
    )
  }

  /** Produce one records buffer to one partition; the partition's response. */
  async produce(
    topic: string,
    partition: number,
    records: Buffer | null,
    options: { version?: number; acks?: number; transactionalId?: string } = {},
  ): Promise<ProduceResponsePartitionProduceResponse> {
    const version = options.version ?? 9
    const request = {
      ...produceRequest(topic, partition, records, options.acks ?? -1),
      transactionalId: options.transactionalId ?? null,
    }
    const res = await this.request(
      ApiKey.Produce,
      version,
      (w) => encodeProduceRequest(w, version, request),
      decodeProduceResponse,
    )
    const p = res.responses[0]?.partitionResponses[0]
    if (p === undefined) throw new Error('empty produce response')
    return p
  }

  async fetch(
    topic: string,
    partition: number,
    fetchOffset: number,
    options: {
      version?: number
      maxBytes?: number
      maxWaitMs?: number
      minBytes?: number
      isolationLevel?: number
    } = {},
  ): Promise<FetchResponse> {
    const maxBytes = options.maxBytes ?? 8 * 1024 * 1024
    return this.fetchPartitions({
      ...options,
      maxBytes,
      partitions: [{ topic, partition, fetchOffset, partitionMaxBytes: maxBytes }],
    })
  }

  /**
   * One Fetch request for any partitions (consecutive entries of the same topic share a topic entry),
   * with the session, long-polling and size fields a test sets; consumer defaults otherwise.
   */
  async fetchPartitions(options: FetchOptions): Promise<FetchResponse> {
    const version = options.version ?? 11
    const topics: FetchRequestFetchTopic[] = []
    for (const p of options.partitions) {
      const topic = p.topic ?? ''
      const topicId = p.topicId ?? ZERO_UUID
      let last = topics.at(-1)
      if (last === undefined || last.topic !== topic || last.topicId !== topicId) {
        last = { topic, topicId, partitions: [] }
        topics.push(last)
      }
      last.partitions.push({
        partition: p.partition,
        currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
        fetchOffset: p.fetchOffset,
        lastFetchedEpoch: -1,
        logStartOffset: -1,
        partitionMaxBytes: p.partitionMaxBytes ?? 1024 * 1024,
        replicaDirectoryId: ZERO_UUID,
      })
    }
    return this.request(
      ApiKey.Fetch,
      version,
      (w) =>
        encodeFetchRequest(w, version, {
          clusterId: null,
          replicaId: -1,
          replicaState: { replicaId: -1, replicaEpoch: -1 },
          maxWaitMs: options.maxWaitMs ?? 0,
          minBytes: options.minBytes ?? 0,
          maxBytes: options.maxBytes ?? 8 * 1024 * 1024,
          isolationLevel: options.isolationLevel ?? 0,
          sessionId: options.sessionId ?? 0,
          sessionEpoch: options.sessionEpoch ?? -1,
          topics,
          forgottenTopicsData: (options.forgotten ?? []).map((f) => ({
            topic: f.topic ?? '',
            topicId: f.topicId ?? ZERO_UUID,
            partitions: f.partitions,
          })),
          rackId: '',
        }),
      decodeFetchResponse,
    )
  }

  /**
   * InitProducerId (v1) for `transactionalId` (null: an idempotent producer), after a FindCoordinator that
   * creates `__transaction_state` if needed; retried while the coordinator loads or a transaction ends.
   */
  async initProducerId(
    transactionalId: string | null,
    transactionTimeoutMs = 60_000,
  ): Promise<{ producerId: number; producerEpoch: number }> {
    if (transactionalId !== null) {
      await this.request(
        ApiKey.FindCoordinator,
        3,
        (w) => encodeFindCoordinatorRequest(w, 3, { key: transactionalId, keyType: 1, coordinatorKeys: [] }),
        decodeFindCoordinatorResponse,
      )
    }
    for (let attempt = 0; ; attempt++) {
      const r = await this.request(
        ApiKey.InitProducerId,
        1,
        (w) =>
          encodeInitProducerIdRequest(w, 1, {
            transactionalId,
            transactionTimeoutMs,
            producerId: -1,
            producerEpoch: -1,
          }),
        decodeInitProducerIdResponse,
      )
      if (r.errorCode === 0) return { producerId: r.producerId, producerEpoch: r.producerEpoch }
      if (!INIT_RETRIABLE.has(r.errorCode) || attempt >= 500)
        throw new Error(`InitProducerId failed with ${r.errorCode}`)
      await new Promise<void>((resolve) => setTimeout(resolve, 20))
    }
  }

  close(): void {
    this.socket.destroy()
  }
}

/** One partition of a Fetch request: by name (v0-v12) or by topic id (v13+). */
export interface FetchPartitionSpec {
  topic?: string
  topicId?: string
  partition: number
  fetchOffset: number
  partitionMaxBytes?: number
  currentLeaderEpoch?: number
}

export interface FetchOptions {
  version?: number
  maxWaitMs?: number
  minBytes?: number
  maxBytes?: number
  isolationLevel?: number
  /** KIP-227: 0 and epoch -1 (the defaults) fetch without a session; epoch 0 creates one. */
  sessionId?: number
  sessionEpoch?: number
  partitions: FetchPartitionSpec[]
  /** Incremental fetches: partitions to remove from the session. */
  forgotten?: { topic?: string; topicId?: string; partitions: number[] }[]
}

/** NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, CONCURRENT_TRANSACTIONS. */
const INIT_RETRIABLE = new Set([16, 14, 15, 51])

export function produceRequest(topic: string, partition: number, records: Buffer | null, acks: number) {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  }
}

/** One record as stored, with the codec of the batch that carried it. */
export interface StoredRecord {
  offset: number
  timestamp: number
  key: string | null
  value: string | null
  headers: [string, string | null][]
  compression: CompressionType
  timestampType: number
}

/**
 * Reads a partition from `fromOffset` up to its high watermark with plain Fetch requests (v11,
 * read_uncommitted), decoding every batch (CRC checked). Also returns the high watermark and the log
 * start offset the broker reported, and the offsets below the high watermark that hold nothing (holes).
 */
export async function readPartition(
  port: number,
  topic: string,
  partition: number,
  fromOffset = 0,
): Promise<{ records: StoredRecord[]; highWatermark: number; logStartOffset: number; holes: number[] }> {
  const client = await WireClient.connect(port)
  try {
    const records: StoredRecord[] = []
    const holes: number[] = []
    let offset = fromOffset
    let highWatermark = -1
    let logStartOffset = -1
    for (;;) {
      const res = await client.fetch(topic, partition, offset)
      const p = res.responses[0]?.partitions[0]
      if (p === undefined) throw new Error('empty fetch response')
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset} failed with error ${p.errorCode}`)
      highWatermark = p.highWatermark
      logStartOffset = p.logStartOffset
      if (offset >= highWatermark) break
      const data = p.records ?? Buffer.alloc(0)
      const batches = decodeRecordBatches(data)
      if (batches.length === 0) {
        // Below the high watermark but nothing to read: a hole in the log. Step over it and report it.
        holes.push(offset++)
        continue
      }
      for (const b of batches) {
        for (const rec of b.records) {
          if (rec.offset < offset) continue
          records.push({
            offset: rec.offset,
            timestamp: rec.timestamp,
            key: rec.key === null ? null : rec.key.toString(),
            value: rec.value === null ? null : rec.value.toString(),
            headers: rec.headers.map((h) => [h.key, h.value === null ? null : h.value.toString()]),
            compression: b.compression,
            timestampType: b.timestampType,
          })
        }
        offset = Math.max(offset, b.baseOffset + b.lastOffsetDelta + 1)
      }
    }
    return { records, highWatermark, logStartOffset, holes }
  } finally {
    client.close()
  }
}
