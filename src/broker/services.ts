import type { GroupCoordinator } from '../coordinator/group/group-coordinator.ts'
import type { TransactionCoordinator } from '../coordinator/txn/txn-coordinator.ts'
import type { QuorumController } from '../metadata/controller/quorum-controller.ts'
import type { MetadataImage } from '../metadata/image/metadata-image.ts'
import type { ReplicaManager } from '../replication/replica-manager.ts'
import type { LogConfig } from '../storage/log-config.ts'
import type { LogManager } from '../storage/log-manager.ts'
import type { FetchSessionCache } from './fetch-session-cache.ts'

/** Version range of one API as advertised in ApiVersions. */
export interface ApiVersionRange {
  apiKey: number
  minVersion: number
  maxVersion: number
}

export type BrokerConfigSource =
  | 'DEFAULT_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'

/** One layer that sets a broker property (DescribeConfigs synonyms), highest priority first. */
export interface BrokerConfigSynonym {
  readonly name: string
  readonly value: string | null
  readonly source: BrokerConfigSource
}

/** One broker property as DescribeConfigs reports it. */
export interface BrokerConfigEntry {
  readonly name: string
  readonly value: string | null
  readonly source: BrokerConfigSource
  readonly isSensitive: boolean
  readonly readOnly: boolean
  readonly type: string
  readonly documentation: string
  /** Every layer that sets it (dynamic per broker, dynamic cluster default, static, default). */
  readonly synonyms?: readonly BrokerConfigSynonym[]
}

/** The broker configuration as handlers see it (implemented by server/config.ts). */
export interface BrokerConfigView {
  readonly nodeId: number
  getInt(key: string): number
  getLong(key: string): number
  getBoolean(key: string): boolean
  getString(key: string): string
  /** Server defaults of topic configs, keyed by server property name (log.segment.bytes...). */
  logDefaults(): Record<string, string>
  describe(): readonly BrokerConfigEntry[]
}

/** How clients reach a broker on one listener. */
export interface AdvertisedEndpoint {
  readonly listenerName: string
  readonly host: string
  readonly port: number
}

/**
 * The broker's capabilities, wired by server/node.ts (the only composition root). A handler's context
 * exposes only the services its type names, e.g. `RequestContext<'metadata' | 'replicaManager'>`.
 * Each member is owned by the layer that implements it.
 */
export interface BrokerServices {
  /** The API ranges this broker serves (derived from the handler list). */
  readonly apiVersions: readonly ApiVersionRange[]
  /** The current broker configuration (replaced on dynamic changes). */
  readonly config: () => BrokerConfigView
  readonly clusterId: string
  readonly nodeId: number
  /** The newest published metadata image. */
  readonly metadata: () => MetadataImage
  readonly controller: QuorumController
  readonly replicaManager: ReplicaManager
  readonly fetchSessions: FetchSessionCache
  /** The effective log configuration of a topic (broker defaults plus the topic's overrides). */
  readonly logConfigFor: (topic: string) => LogConfig
  /** Consumer groups and committed offsets of the `__consumer_offsets` partitions this broker leads. */
  readonly groupCoordinator: GroupCoordinator
  /** The data directories and their logs (DescribeLogDirs). */
  readonly logManager: LogManager
  /** Producer ids and the transactions of the `__transaction_state` partitions this broker leads. */
  readonly txnCoordinator: TransactionCoordinator
}
