import { mkdir } from 'node:fs/promises'
import { Dispatcher } from '../broker/dispatcher.ts'
import { FetchSessionCache } from '../broker/fetch-session-cache.ts'
import { HANDLERS } from '../broker/handlers/index.ts'
import { writeTxnMarkers } from '../broker/handlers/write-txn-markers.ts'
import { Listener } from '../broker/listener.ts'
import type { BrokerServices } from '../broker/services.ts'
import { BufferPool } from '../common/buffer-pool.ts'
import { createLogger, type Logger } from '../common/log.ts'
import { type Scheduler, SystemScheduler, type Timer } from '../common/scheduler.ts'
import { GroupCoordinator } from '../coordinator/group/group-coordinator.ts'
import { groupCoordinatorConfigFrom } from '../coordinator/group/group-coordinator-config.ts'
import { PartitionCoordinatorLog } from '../coordinator/runtime/coordinator-log.ts'
import { TransactionCoordinator } from '../coordinator/txn/txn-coordinator.ts'
import { txnCoordinatorConfigFrom } from '../coordinator/txn/txn-coordinator-config.ts'
import { QuorumController } from '../metadata/controller/quorum-controller.ts'
import { ConfigResourceType, type ConfigurationsImage } from '../metadata/image/configs-image.ts'
import { MetadataDelta } from '../metadata/image/metadata-delta.ts'
import type { MetadataImage } from '../metadata/image/metadata-image.ts'
import { MetadataLoader } from '../metadata/metadata-loader.ts'
import { CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../metadata/topic-names.ts'
import { randomUuid } from '../protocol/primitives/uuid.ts'
import { type CompressionType, decompressAsync } from '../protocol/records/compression/index.ts'
import { LocalRaftClient } from '../raft/local-raft-client.ts'
import { ReplicaManager } from '../replication/replica-manager.ts'
import { logCleanerConfigFrom } from '../storage/cleaner/log-cleaner.ts'
import { buildLogConfig, type LogConfig } from '../storage/log-config.ts'
import { LogManager } from '../storage/log-manager.ts'
import { ensureClusterIdentity } from './cluster-identity.ts'
import { type BrokerConfig, dynamicBrokerConfigSchema } from './config.ts'

export interface BrokerNodeOptions {
  config: BrokerConfig
  logger?: Logger
  scheduler?: Scheduler
}

export interface BoundListener {
  name: string
  host: string
  port: number
}

/** How often the buffer pool gives back what sat idle since the last time (memory returns after load). */
const BUFFER_POOL_TRIM_MS = 30_000

/** How long a graceful shutdown waits for in-flight requests before closing connections. */
const SHUTDOWN_DRAIN_MS_MAX = 5_000
/** Security protocol id of PLAINTEXT in RegisterBrokerRecord. */
const PLAINTEXT = 0

/**
 * A Samsa node: the only place where the layers are wired together (the composition root). With
 * process.roles=broker,controller (the default) it runs the metadata quorum of one, the controller and
 * the broker in this process.
 *
 * Start-up order: the metadata log is replayed first (it says which topics exist and their configs),
 * then the partition logs are opened and recovered with those configs, then the replayed metadata is
 * published (partitions become led here), then the listeners accept clients and the broker registers.
 */
export class BrokerNode {
  readonly config: BrokerConfig
  readonly logger: Logger
  readonly scheduler: Scheduler
  readonly clusterId: string
  readonly #raft: LocalRaftClient
  readonly #loader: MetadataLoader
  readonly #logManager: LogManager
  readonly #replicaManager: ReplicaManager
  readonly #groupCoordinator: GroupCoordinator
  readonly #txnCoordinator: TransactionCoordinator
  readonly #listeners: Listener[]
  readonly #bufferPoolTrim: Timer
  #stopping: Promise<void> | null = null

  private constructor(parts: {
    config: BrokerConfig
    logger: Logger
    scheduler: Scheduler
    clusterId: string
    raft: LocalRaftClient
    loader: MetadataLoader
    logManager: LogManager
    replicaManager: ReplicaManager
    groupCoordinator: GroupCoordinator
    txnCoordinator: TransactionCoordinator
    listeners: Listener[]
    bufferPoolTrim: Timer
  }) {
    this.config = parts.config
    this.logger = parts.logger
    this.scheduler = parts.scheduler
    this.clusterId = parts.clusterId
    this.#raft = parts.raft
    this.#loader = parts.loader
    this.#logManager = parts.logManager
    this.#replicaManager = parts.replicaManager
    this.#groupCoordinator = parts.groupCoordinator
    this.#txnCoordinator = parts.txnCoordinator
    this.#listeners = parts.listeners
    this.#bufferPoolTrim = parts.bufferPoolTrim
  }

  static async start(o: BrokerNodeOptions): Promise<BrokerNode> {
    const config = o.config
    const logger = o.logger ?? createLogger()
    const scheduler = o.scheduler ?? new SystemScheduler()
    const nodeId = config.nodeId
    const logDirs = config.logDirs
    for (const dir of [...logDirs, config.metadataLogDir]) await mkdir(dir, { recursive: true })
    const { clusterId } = await ensureClusterIdentity(
      [...new Set([...logDirs, config.metadataLogDir])],
      nodeId,
      scheduler.clock.nowMs(),
    )

    // Dynamic broker configs (ConfigRecords for broker "" and for this node) over the static config,
    // rebuilt whenever the metadata image's configs change; everything that reads the broker config
    // through these functions sees changes live.
    let effective: { configs: ConfigurationsImage; config: BrokerConfig } | null = null
    const effectiveConfig = (image: MetadataImage): BrokerConfig => {
      if (effective?.configs === image.configs) return effective.config
      const layers = config.withDynamicLayers(
        image.configs.get(ConfigResourceType.Broker, ''),
        image.configs.get(ConfigResourceType.Broker, String(nodeId)),
      )
      for (const p of layers.skipped) logger.warn({ key: p.key, reason: p.message }, 'ignoring a dynamic broker config')
      effective = { configs: image.configs, config: layers.config }
      return layers.config
    }
    const logConfigFor = (topic: string, image: MetadataImage): LogConfig =>
      buildLogConfig(image.configs.toRecord(ConfigResourceType.Topic, topic), effectiveConfig(image).logDefaults())

    const loader = new MetadataLoader(logger)
    const raft = new LocalRaftClient({
      nodeId,
      metadataLogDir: config.metadataLogDir,
      logConfig: buildLogConfig({ 'segment.bytes': String(100 * 1024 * 1024) }, {}),
      scheduler,
      logger,
    })
    raft.register(loader)
    await raft.start()

    const logManager = await LogManager.open({
      logDirs,
      configFor: (topic: string) => logConfigFor(topic, loader.image),
      scheduler,
      logger,
      brokerConfig: config.logDefaults(),
      cleanerConfig: () => logCleanerConfigFrom(effectiveConfig(loader.image).logDefaults()),
      producerIdExpirationMs: config.getInt('producer.id.expiration.ms'),
      producerIdExpirationCheckIntervalMs: config.getInt('producer.id.expiration.check.interval.ms'),
      // Timestamp lookups inside compressed batches decode them with the protocol's codecs, off the loop where possible.
      decompress: (compression, data) => decompressAsync(compression as CompressionType, data),
    })
    // One pool recycles the large buffers of both directions: Produce frames and Fetch reads.
    const bufferPool = new BufferPool()
    const replicaManager = new ReplicaManager({
      nodeId,
      logManager,
      logConfigFor,
      scheduler,
      logger,
      readPool: bufferPool,
    })
    loader.addPublisher(replicaManager)
    await loader.finishCatchUp()

    const controller = new QuorumController({
      nodeId,
      raft,
      image: () => loader.image,
      config: () => ({
        defaultNumPartitions: config.getInt('num.partitions'),
        defaultReplicationFactor: config.getInt('default.replication.factor'),
        deleteTopicEnable: config.getBoolean('delete.topic.enable'),
      }),
      logger,
      brokerConfigSchema: dynamicBrokerConfigSchema(
        config,
        () => ({
          clusterDefault: loader.image.configs.get(ConfigResourceType.Broker, ''),
          perBroker: loader.image.configs.get(ConfigResourceType.Broker, String(nodeId)),
        }),
        (c) => {
          try {
            buildLogConfig({}, c.logDefaults())
            return null
          } catch (err) {
            return (err as Error).message
          }
        },
      ),
    })
    await controller.bootstrapIfEmpty()
    logManager.startup()

    // Loads the __consumer_offsets partitions this broker leads, now and on every leadership change.
    const groupCoordinator = new GroupCoordinator({
      nodeId,
      config: groupCoordinatorConfigFrom(config),
      scheduler,
      logger,
      leaderLog: (p, topicId) => {
        const partition = replicaManager.getPartition(CONSUMER_OFFSETS_TOPIC, p)
        if (partition?.isLeader !== true || partition.topicId !== topicId) return undefined
        return new PartitionCoordinatorLog(partition, scheduler, config.getInt('offsets.commit.timeout.ms'))
      },
      createTopics: (topics) => controller.createTopics(topics, false),
      metadata: () => loader.image,
    })
    loader.addPublisher(groupCoordinator)
    groupCoordinator.onMetadataUpdate(new MetadataDelta(loader.image), loader.image)

    // Loads the __transaction_state partitions this broker leads; markers go to partition leaders through
    // the WriteTxnMarkers logic (in process for this broker).
    const txnConfig = txnCoordinatorConfigFrom(config)
    const txnCoordinator = new TransactionCoordinator({
      nodeId,
      config: txnConfig,
      scheduler,
      logger,
      leaderLog: (p, topicId) => {
        const partition = replicaManager.getPartition(TRANSACTION_STATE_TOPIC, p)
        if (partition?.isLeader !== true || partition.topicId !== topicId) return undefined
        return new PartitionCoordinatorLog(partition, scheduler, txnConfig.writeTimeoutMs)
      },
      createTopics: (topics) => controller.createTopics(topics, false),
      metadata: () => loader.image,
      allocateProducerIds: (blockSize) => controller.allocateProducerIds(nodeId, blockSize),
      sendMarkers: (target, request) =>
        target === nodeId
          ? writeTxnMarkers({ replicaManager, groupCoordinator }, request, scheduler.clock.nowMs())
          : Promise.reject(new Error(`broker ${target} is not reachable from this node`)),
    })
    loader.addPublisher(txnCoordinator)
    txnCoordinator.onMetadataUpdate(new MetadataDelta(loader.image), loader.image)
    txnCoordinator.startup()

    const dispatcher = new Dispatcher(HANDLERS)
    const services: BrokerServices = {
      apiVersions: dispatcher.apiVersions,
      config: () => effectiveConfig(loader.image),
      clusterId,
      nodeId,
      metadata: () => loader.image,
      controller,
      replicaManager,
      fetchSessions: new FetchSessionCache(scheduler.clock, {
        slotsMax: config.getInt('max.incremental.fetch.session.cache.slots'),
      }),
      logConfigFor: (topic) => logConfigFor(topic, loader.image),
      groupCoordinator,
      logManager,
      txnCoordinator,
    }
    const listeners = config.listeners.map(
      (l) =>
        new Listener({
          name: l.name,
          host: l.host,
          port: l.port,
          dispatcher,
          services,
          scheduler,
          logger,
          requestMaxBytes: config.getInt('socket.request.max.bytes'),
          inFlightRequestsMax: config.getInt('queued.max.requests'),
          idleMsMax: config.getLong('connections.max.idle.ms'),
          framePool: bufferPool,
        }),
    )
    for (const l of listeners) await l.listen()

    // Advertise the bound port when the configured one was 0 (tests, embedding).
    const advertised = config.advertisedListeners.map((a) => {
      const bound = listeners.find((l) => l.name === a.name)
      return {
        name: a.name,
        host: a.host,
        port: a.port === 0 && bound !== undefined ? bound.port : a.port,
        securityProtocol: PLAINTEXT,
      }
    })
    await controller.registerBroker(nodeId, { incarnationId: randomUuid(), listeners: advertised, rack: null })
    const node = new BrokerNode({
      config,
      logger,
      scheduler,
      clusterId,
      raft,
      loader,
      logManager,
      replicaManager,
      groupCoordinator,
      txnCoordinator,
      listeners,
      bufferPoolTrim: scheduler.schedulePeriodic(BUFFER_POOL_TRIM_MS, () => bufferPool.trimIdle()),
    })
    logger.info(
      { nodeId, clusterId, listeners: advertised.map((a) => `${a.name}://${a.host}:${a.port}`) },
      'samsa broker started',
    )
    return node
  }

  get boundListeners(): BoundListener[] {
    return this.#listeners.map((l) => ({ name: l.name, host: l.host, port: l.port }))
  }

  get metadata(): MetadataImage {
    return this.#loader.image
  }

  get replicaManager(): ReplicaManager {
    return this.#replicaManager
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (long polls answer early), then
   * flush logs and write checkpoints and the clean-shutdown marker.
   */
  shutdown(): Promise<void> {
    if (this.#stopping !== null) return this.#stopping
    this.#stopping = (async () => {
      this.logger.info('samsa broker shutting down')
      this.#bufferPoolTrim.cancel()
      // Parked JoinGroup/SyncGroup requests are answered (NOT_COORDINATOR) instead of holding the drain.
      this.#groupCoordinator.shutdown()
      this.#txnCoordinator.shutdown()
      await Promise.all(this.#listeners.map((l) => l.close(SHUTDOWN_DRAIN_MS_MAX)))
      await this.#logManager.shutdown()
      await this.#raft.shutdown()
      this.logger.info('samsa broker stopped')
    })()
    return this.#stopping
  }
}
