import { ConfigError, SamsaErrorCode } from '../common/errors.ts'
import { type Logger, silentLogger } from '../common/log.ts'
import { type Scheduler, SystemScheduler } from '../common/scheduler.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import { decodeMetadataResponse, encodeMetadataRequest, type MetadataResponse } from '../protocol/generated/metadata.ts'
import { ZERO_UUID } from '../protocol/primitives/uuid.ts'
import { BrokerConnection } from './connection.ts'
import {
  ClientClosedError,
  ClientConnectionError,
  isRetriable,
  KafkaResponseError,
  needsMetadataRefresh,
} from './errors.ts'

export interface ClusterOptions {
  /** 'host:port' entries (or one comma-separated string) used to discover the cluster. */
  bootstrapServers: string | readonly string[]
  /** client.id sent in every request header. Default 'samsa'. */
  clientId?: string
  /** Time to open a connection and negotiate versions. Default 10000. */
  connectTimeoutMs?: number
  /** request.timeout.ms. Default 30000. */
  requestTimeoutMs?: number
  /** Largest response frame accepted. Default 100 MiB. */
  responseBytesMax?: number
  /** metadata.max.age.ms: cached metadata older than this is refreshed before use. Default 300000. */
  metadataMaxAgeMs?: number
  /** Attempts after the first for an operation failing with a retriable error. Default 10. */
  retries?: number
  /** retry.backoff.ms: first backoff, doubled per attempt. Default 100. */
  retryBackoffMs?: number
  /** retry.backoff.max.ms. Default 1000. */
  retryBackoffMaxMs?: number
  /** Ask the broker to auto-create unknown topics named in metadata requests (allow.auto.create.topics). Default true. */
  allowAutoTopicCreation?: boolean
  scheduler?: Scheduler
  logger?: Logger
}

export interface BrokerInfo {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionInfo {
  partition: number
  errorCode: number
  /** Node id of the leader; -1 when there is none. */
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface TopicInfo {
  name: string
  errorCode: number
  /** Base64 topic id (Metadata v10+), the all-zero id otherwise. */
  topicId: string
  isInternal: boolean
  /** Indexed by partition id (partitions[i].partition === i). */
  partitions: PartitionInfo[]
}

/** Metadata versions this client understands. */
const METADATA_VERSION_MAX = 12
const METADATA_VERSION_MIN = 1

/**
 * The client's view of a Kafka cluster: bootstrap servers, the brokers and topic partitions learned from
 * Metadata, a pool of connections (one per broker address, so a bootstrap connection is reused once we
 * know its node id), leader lookup and a retry loop with exponential backoff for retriable errors.
 * Metadata refreshes are coalesced: concurrent callers share one request when it covers their topics.
 */
export class Cluster {
  readonly clientId: string
  readonly scheduler: Scheduler
  readonly logger: Logger
  readonly retries: number
  readonly requestTimeoutMs: number
  readonly #bootstrap: readonly { host: string; port: number }[]
  readonly #options: ClusterOptions
  readonly #metadataMaxAgeMs: number
  readonly #retryBackoffMs: number
  readonly #retryBackoffMaxMs: number
  readonly #connections = new Map<string, Promise<BrokerConnection>>()
  /** The subset of #connections that is open, for picking one without waiting on a connect. */
  readonly #open = new Map<string, BrokerConnection>()
  /** Topics whose metadata every refresh requests. */
  readonly #trackedTopics = new Set<string>()
  #brokers = new Map<number, BrokerInfo>()
  #topics = new Map<string, TopicInfo>()
  #clusterId: string | null = null
  #controllerId = -1
  #metadataAtMs = Number.NEGATIVE_INFINITY
  #refresh: { promise: Promise<void>; topics: ReadonlySet<string> } | null = null
  #closed = false

  constructor(options: ClusterOptions) {
    this.#options = options
    this.#bootstrap = parseBootstrap(options.bootstrapServers)
    this.clientId = options.clientId ?? 'samsa'
    this.scheduler = options.scheduler ?? new SystemScheduler()
    this.logger = options.logger ?? silentLogger()
    this.retries = options.retries ?? 10
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.#metadataMaxAgeMs = options.metadataMaxAgeMs ?? 300_000
    this.#retryBackoffMs = options.retryBackoffMs ?? 100
    this.#retryBackoffMaxMs = options.retryBackoffMaxMs ?? 1000
  }

  get isClosed(): boolean {
    return this.#closed
  }

  get clusterId(): string | null {
    return this.#clusterId
  }

  /** Node id of the controller from the last Metadata response (-1 when unknown). */
  get controllerId(): number {
    return this.#controllerId
  }

  get brokers(): ReadonlyMap<number, BrokerInfo> {
    return this.#brokers
  }

  /** Cached metadata of a topic, if any (possibly carrying an error code). */
  topic(name: string): TopicInfo | undefined {
    return this.#topics.get(name)
  }

  /**
   * One Metadata request for `topics` (null = every topic), sent to any broker. The answer updates the
   * cache (brokers, controller, the topics returned) and is returned as is.
   */
  async metadata(
    topics: readonly string[] | null,
    options: { allowAutoTopicCreation?: boolean } = {},
  ): Promise<MetadataResponse> {
    const conn = await this.anyConnection()
    const version = conn.versionFor(ApiKey.Metadata, METADATA_VERSION_MAX, METADATA_VERSION_MIN)
    const allowAutoTopicCreation = options.allowAutoTopicCreation ?? this.#options.allowAutoTopicCreation ?? true
    const response = await conn.request(
      ApiKey.Metadata,
      version,
      (w, v) =>
        encodeMetadataRequest(w, v, {
          topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
          allowAutoTopicCreation,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        }),
      decodeMetadataResponse,
    )
    this.#apply(response, topics === null)
    return response
  }

  /**
   * Refreshes the metadata of every tracked topic plus `topics` (which become tracked). Joins a refresh
   * already in flight when that one covers the topics asked for.
   */
  async refreshMetadata(topics: readonly string[] = []): Promise<void> {
    this.#checkOpen()
    for (const t of topics) this.#trackedTopics.add(t)
    while (this.#refresh !== null) {
      const current = this.#refresh
      if (topics.every((t) => current.topics.has(t))) return current.promise
      await current.promise.catch(() => undefined)
    }
    const requested = new Set(this.#trackedTopics)
    const promise = this.metadata([...requested]).then(() => undefined)
    const refresh = { promise, topics: requested }
    this.#refresh = refresh
    try {
      await promise
    } finally {
      if (this.#refresh === refresh) this.#refresh = null
    }
  }

  /** Cached metadata of a topic when it is fresh and carries no error (a synchronous fast path). */
  freshTopic(name: string): TopicInfo | undefined {
    const info = this.#topics.get(name)
    if (info === undefined || info.errorCode !== ErrorCode.NONE) return undefined
    if (this.scheduler.clock.monotonicMs() - this.#metadataAtMs > this.#metadataMaxAgeMs) return undefined
    return info
  }

  /**
   * Metadata of one topic, from the cache when fresh, else refreshed. Throws a (retriable)
   * KafkaResponseError such as UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE when the broker
   * reports one for the topic; wrap in retry() to wait for a topic that is being created.
   */
  async topicInfo(topic: string, options: { refresh?: boolean } = {}): Promise<TopicInfo> {
    let info = this.#topics.get(topic)
    const stale = this.scheduler.clock.monotonicMs() - this.#metadataAtMs > this.#metadataMaxAgeMs
    if (info === undefined || info.errorCode !== ErrorCode.NONE || stale || options.refresh === true) {
      await this.refreshMetadata([topic])
      info = this.#topics.get(topic)
    }
    if (info === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { resource: topic })
    if (info.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(info.errorCode, { resource: topic })
    return info
  }

  /** Node id of the partition's leader; throws LEADER_NOT_AVAILABLE (retriable) when it has none. */
  async leaderFor(topic: string, partition: number): Promise<number> {
    const info = await this.topicInfo(topic)
    const p = info.partitions[partition]
    if (p === undefined || p.partition !== partition) {
      throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { resource: topic, partition })
    }
    if (p.leader < 0) throw new KafkaResponseError(ErrorCode.LEADER_NOT_AVAILABLE, { resource: topic, partition })
    return p.leader
  }

  async leaderConnection(topic: string, partition: number): Promise<BrokerConnection> {
    return this.connectionTo(await this.leaderFor(topic, partition))
  }

  /** A connection to broker `nodeId`, opened on first use and reused afterwards. */
  async connectionTo(nodeId: number): Promise<BrokerConnection> {
    this.#checkOpen()
    let broker = this.#brokers.get(nodeId)
    if (broker === undefined) {
      await this.refreshMetadata()
      broker = this.#brokers.get(nodeId)
    }
    if (broker === undefined) throw new ClientConnectionError(`node ${nodeId}`, 'broker is not in the cluster metadata')
    return this.#connect(broker.host, broker.port)
  }

  /** A connection to the controller when known (admin requests), else to any broker. */
  async controllerConnection(): Promise<BrokerConnection> {
    if (this.#controllerId < 0 || !this.#brokers.has(this.#controllerId)) await this.refreshMetadata()
    if (this.#controllerId >= 0 && this.#brokers.has(this.#controllerId)) return this.connectionTo(this.#controllerId)
    return this.anyConnection()
  }

  /**
   * Some connection: the least loaded open one, else the first known broker (then bootstrap server)
   * that accepts a connection.
   */
  async anyConnection(): Promise<BrokerConnection> {
    this.#checkOpen()
    let best: BrokerConnection | null = null
    for (const conn of this.#open.values()) {
      if (!conn.isClosed && (best === null || conn.inFlightRequests < best.inFlightRequests)) best = conn
    }
    if (best !== null) return best
    const candidates = [...shuffled([...this.#brokers.values()]), ...this.#bootstrap]
    let lastError: unknown = new ClientConnectionError('bootstrap', 'no bootstrap servers configured')
    for (const c of candidates) {
      try {
        return await this.#connect(c.host, c.port)
      } catch (err) {
        lastError = err
      }
    }
    throw lastError
  }

  /**
   * Runs `operation` until it succeeds, fails with a non-retriable error, or `retries` attempts after
   * the first have failed. Between attempts it backs off (exponentially, with jitter) and refreshes
   * metadata when the error suggests leaders moved or a topic appeared.
   */
  async retry<T>(operation: (attempt: number) => Promise<T>, retries = this.retries): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation(attempt)
      } catch (err) {
        if (this.#closed || attempt >= retries || !isRetriable(err)) throw err
        this.logger.debug({ err, attempt }, 'retrying after a retriable error')
        await this.delay(this.backoffMs(attempt))
        if (needsMetadataRefresh(err)) await this.refreshMetadata().catch(() => undefined)
      }
    }
  }

  /** Backoff before retry number `attempt` (0-based): retryBackoffMs * 2^attempt, capped, ±20% jitter. */
  backoffMs(attempt: number): number {
    const base = Math.min(this.#retryBackoffMaxMs, this.#retryBackoffMs * 2 ** Math.min(attempt, 30))
    return Math.round(base * (0.8 + Math.random() * 0.4))
  }

  /** Resolves after `ms` on the cluster's scheduler (so tests can drive it with a fake clock). */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.scheduler.schedule(ms, resolve)
    })
  }

  /** Closes every connection; pending requests reject and later calls fail with ClientClosedError. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const pending = [...this.#connections.values()]
    this.#connections.clear()
    this.#open.clear()
    for (const p of pending) {
      const conn = await p.catch(() => null)
      conn?.close()
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClientClosedError()
  }

  #connect(host: string, port: number): Promise<BrokerConnection> {
    this.#checkOpen()
    const address = `${host}:${port}`
    const existing = this.#connections.get(address)
    if (existing !== undefined) return existing
    const promise: Promise<BrokerConnection> = BrokerConnection.connect({
      host,
      port,
      clientId: this.clientId,
      scheduler: this.scheduler,
      requestTimeoutMs: this.requestTimeoutMs,
      ...(this.#options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.#options.connectTimeoutMs }),
      ...(this.#options.responseBytesMax === undefined ? {} : { responseBytesMax: this.#options.responseBytesMax }),
      onClose: () => {
        if (this.#connections.get(address) === promise) {
          this.#connections.delete(address)
          this.#open.delete(address)
        }
      },
    })
    this.#connections.set(address, promise)
    promise.then(
      (conn) => {
        // Closed while connecting: do not leak the socket.
        if (this.#closed) conn.close()
        else if (!conn.isClosed && this.#connections.get(address) === promise) this.#open.set(address, conn)
      },
      () => {
        if (this.#connections.get(address) === promise) this.#connections.delete(address)
      },
    )
    return promise
  }

  #apply(response: MetadataResponse, allTopics: boolean): void {
    const brokers = new Map<number, BrokerInfo>()
    for (const b of response.brokers)
      brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })
    this.#brokers = brokers
    this.#controllerId = response.controllerId
    this.#clusterId = response.clusterId
    const topics = allTopics ? new Map<string, TopicInfo>() : this.#topics
    for (const t of response.topics) {
      if (t.name === null) continue
      const partitions: PartitionInfo[] = t.partitions.map((p) => ({
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        leader: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        offlineReplicas: p.offlineReplicas,
      }))
      partitions.sort((a, b) => a.partition - b.partition)
      // Index = partition id even if the broker left one out (it then has no leader until the next refresh).
      for (let i = 0; i < partitions.length; i++) {
        if (partitions[i]!.partition !== i) partitions.splice(i, 0, missingPartition(i))
      }
      topics.set(t.name, {
        name: t.name,
        errorCode: t.errorCode,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions,
      })
    }
    this.#topics = topics
    this.#metadataAtMs = this.scheduler.clock.monotonicMs()
  }
}

function missingPartition(partition: number): PartitionInfo {
  return {
    partition,
    errorCode: ErrorCode.LEADER_NOT_AVAILABLE,
    leader: -1,
    leaderEpoch: -1,
    replicas: [],
    isr: [],
    offlineReplicas: [],
  }
}

function parseBootstrap(servers: string | readonly string[]): { host: string; port: number }[] {
  const list = typeof servers === 'string' ? servers.split(',') : servers
  const out: { host: string; port: number }[] = []
  for (const raw of list) {
    const s = raw.trim()
    if (s === '') continue
    const colon = s.lastIndexOf(':')
    const host = colon < 0 ? s : s.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
    const port = colon < 0 ? 9092 : Number(s.slice(colon + 1))
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ConfigError(
        SamsaErrorCode.ConfigInvalid,
        'bootstrapServers',
        `invalid bootstrap server '${s}' (expected host:port)`,
      )
    }
    out.push({ host, port })
  }
  if (out.length === 0)
    throw new ConfigError(SamsaErrorCode.ConfigInvalid, 'bootstrapServers', 'no bootstrap servers given')
  return out
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const tmp = items[i]!
    items[i] = items[j]!
    items[j] = tmp
  }
  return items
}
