import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import {
  decodeCreatePartitionsResponse,
  encodeCreatePartitionsRequest,
} from '../protocol/generated/create-partitions.ts'
import { decodeCreateTopicsResponse, encodeCreateTopicsRequest } from '../protocol/generated/create-topics.ts'
import { decodeDeleteTopicsResponse, encodeDeleteTopicsRequest } from '../protocol/generated/delete-topics.ts'
import { decodeDescribeClusterResponse, encodeDescribeClusterRequest } from '../protocol/generated/describe-cluster.ts'
import {
  type DescribeConfigsResponseDescribeConfigsResult,
  decodeDescribeConfigsResponse,
  encodeDescribeConfigsRequest,
} from '../protocol/generated/describe-configs.ts'
import { ZERO_UUID } from '../protocol/primitives/uuid.ts'
import { type BrokerInfo, Cluster, type ClusterOptions } from './cluster.ts'
import type { BrokerConnection } from './connection.ts'
import { KafkaResponseError } from './errors.ts'
import {
  alterCommittedOffsets,
  type CommittedOffset,
  deleteGroups,
  deleteGroupsEach,
  describeGroup,
  fetchCommittedOffsets,
  type GroupDescription,
  type GroupListing,
  listGroups,
  type OffsetToCommit,
  type TopicPartitions,
} from './group-admin.ts'
import { IsolationLevel, listOffsets, type OffsetSpec, type PartitionOffset } from './list-offsets.ts'

export type AdminOptions = ClusterOptions

export interface NewTopic {
  topic: string
  /** Default: the broker's num.partitions. */
  numPartitions?: number
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number
  /** Topic configs by Kafka name, e.g. { 'cleanup.policy': 'compact' }. */
  configs?: Record<string, string>
  /** Explicit replica assignment: partition index -> broker ids (replaces numPartitions/replicationFactor). */
  assignments?: Record<number, readonly number[]>
}

export interface CreateTopicsOptions {
  validateOnly?: boolean
  /** How long the controller may take. Default: the request timeout. */
  timeoutMs?: number
}

export interface CreatedTopic {
  topic: string
  /** Base64 topic id (CreateTopics v7+), the all-zero id otherwise. */
  topicId: string
  /** -1 when the broker's version does not report it. */
  numPartitions: number
  replicationFactor: number
}

export interface PartitionDescription {
  partition: number
  /** Node id of the leader, -1 when none. */
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface TopicDescription {
  name: string
  topicId: string
  isInternal: boolean
  partitions: PartitionDescription[]
}

export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger'

export interface ConfigResource {
  type: ConfigResourceType
  /** Topic name, or broker id as a string ('' = the cluster-wide broker default). */
  name: string
  /** Only these keys; all when absent. */
  keys?: readonly string[]
}

/** Where a config value comes from (Kafka's ConfigEntry.ConfigSource names). */
export type ConfigSource =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'DYNAMIC_CLIENT_METRICS_CONFIG'
  | 'DYNAMIC_GROUP_CONFIG'

export interface ConfigSynonym {
  name: string
  value: string | null
  source: ConfigSource
}

export interface ConfigEntry {
  name: string
  /** null for sensitive values (and unset ones). */
  value: string | null
  source: ConfigSource
  isDefault: boolean
  readOnly: boolean
  sensitive: boolean
  synonyms: ConfigSynonym[]
}

export interface ConfigDescription {
  type: ConfigResourceType
  name: string
  configs: ConfigEntry[]
}

export interface ClusterDescription {
  clusterId: string | null
  /** Node id of the active controller as the brokers report it; -1 when unknown. */
  controllerId: number
  brokers: BrokerInfo[]
}

const RESOURCE_TYPE_CODES: Record<ConfigResourceType, number> = { topic: 2, broker: 4, 'broker-logger': 8 }
const CONFIG_SOURCES: readonly ConfigSource[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_CLIENT_METRICS_CONFIG',
  'DYNAMIC_GROUP_CONFIG',
]
const DEFAULT_CONFIG_SOURCE = 5

const CREATE_TOPICS_VERSION_MAX = 7
const DELETE_TOPICS_VERSION_MAX = 6
const CREATE_PARTITIONS_VERSION_MAX = 3
const DESCRIBE_CONFIGS_VERSION_MAX = 4
const DESCRIBE_CLUSTER_VERSION_MAX = 1

/**
 * Kafka's admin operations on topics, configs and the cluster.
 *
 * Errors: an operation that names several topics or resources resolves only if every one succeeded;
 * otherwise it rejects with a KafkaResponseError for the first one that failed (its `errorName` is
 * Kafka's, e.g. TOPIC_ALREADY_EXISTS, and `resource` names the topic or resource). As with Kafka's
 * AdminClient `all()`, the items that succeeded in that request took effect. Lost connections and
 * NOT_CONTROLLER are retried (with a metadata refresh) before anything is reported.
 */
export class Admin {
  readonly #cluster: Cluster

  constructor(options: AdminOptions) {
    this.#cluster = new Cluster(options)
  }

  /** The cluster view this admin uses (metadata, connections). */
  get cluster(): Cluster {
    return this.#cluster
  }

  /** Fetches metadata once, so a wrong bootstrap address fails here. */
  async connect(): Promise<void> {
    await this.#cluster.retry(() => this.#cluster.refreshMetadata())
  }

  async close(): Promise<void> {
    await this.#cluster.close()
  }

  async createTopics(topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreatedTopic[]> {
    const timeoutMs = options.timeoutMs ?? this.#cluster.requestTimeoutMs
    const response = await this.#onController(async (conn) => {
      const version = conn.versionFor(ApiKey.CreateTopics, CREATE_TOPICS_VERSION_MAX)
      const res = await conn.request(
        ApiKey.CreateTopics,
        version,
        (w, v) =>
          encodeCreateTopicsRequest(w, v, {
            topics: topics.map((t) => ({
              name: t.topic,
              numPartitions: t.assignments === undefined ? (t.numPartitions ?? -1) : -1,
              replicationFactor: t.assignments === undefined ? (t.replicationFactor ?? -1) : -1,
              assignments: Object.entries(t.assignments ?? {}).map(([p, brokerIds]) => ({
                partitionIndex: Number(p),
                brokerIds: [...brokerIds],
              })),
              configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
            })),
            timeoutMs,
            validateOnly: options.validateOnly ?? false,
          }),
        decodeCreateTopicsResponse,
        { timeoutMs: timeoutMs + this.#cluster.requestTimeoutMs },
      )
      throwIfNotController(res.topics.map((t) => t.errorCode))
      return res
    })
    for (const t of response.topics) {
      if (t.errorCode !== ErrorCode.NONE) {
        throw new KafkaResponseError(t.errorCode, { resource: t.name, message: t.errorMessage })
      }
    }
    return response.topics.map((t) => ({
      topic: t.name,
      topicId: t.topicId,
      numPartitions: t.numPartitions,
      replicationFactor: t.replicationFactor,
    }))
  }

  async deleteTopics(names: readonly string[], options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.#cluster.requestTimeoutMs
    const response = await this.#onController(async (conn) => {
      const version = conn.versionFor(ApiKey.DeleteTopics, DELETE_TOPICS_VERSION_MAX)
      const res = await conn.request(
        ApiKey.DeleteTopics,
        version,
        (w, v) =>
          encodeDeleteTopicsRequest(w, v, {
            topics: names.map((name) => ({ name, topicId: ZERO_UUID })),
            topicNames: [...names],
            timeoutMs,
          }),
        decodeDeleteTopicsResponse,
        { timeoutMs: timeoutMs + this.#cluster.requestTimeoutMs },
      )
      throwIfNotController(res.responses.map((t) => t.errorCode))
      return res
    })
    for (const t of response.responses) {
      if (t.errorCode !== ErrorCode.NONE) {
        throw new KafkaResponseError(t.errorCode, { resource: t.name, message: t.errorMessage })
      }
    }
  }

  /** Names of all topics, sorted; internal topics (e.g. __consumer_offsets) only when asked. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const response = await this.#cluster.retry(() => this.#cluster.metadata(null, { allowAutoTopicCreation: false }))
    return response.topics
      .filter((t) => t.errorCode === ErrorCode.NONE && (options.includeInternal === true || !t.isInternal))
      .flatMap((t) => (t.name === null ? [] : [t.name]))
      .sort()
  }

  /** Partitions (leader, replicas, isr) and topic id of each topic; never auto-creates a topic. */
  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    const response = await this.#cluster.retry(() => this.#cluster.metadata(names, { allowAutoTopicCreation: false }))
    const byName = new Map(response.topics.map((t) => [t.name, t]))
    return names.map((name) => {
      const t = byName.get(name)
      if (t === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { resource: name })
      if (t.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(t.errorCode, { resource: name })
      return {
        name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas,
          }))
          .sort((a, b) => a.partition - b.partition),
      }
    })
  }

  /** Raises the topic's partition count to `count` (Kafka cannot lower it). */
  async createPartitions(
    topic: string,
    count: number,
    options: { validateOnly?: boolean; timeoutMs?: number } = {},
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.#cluster.requestTimeoutMs
    const response = await this.#onController(async (conn) => {
      const version = conn.versionFor(ApiKey.CreatePartitions, CREATE_PARTITIONS_VERSION_MAX)
      const res = await conn.request(
        ApiKey.CreatePartitions,
        version,
        (w, v) =>
          encodeCreatePartitionsRequest(w, v, {
            topics: [{ name: topic, count, assignments: null }],
            timeoutMs,
            validateOnly: options.validateOnly ?? false,
          }),
        decodeCreatePartitionsResponse,
        { timeoutMs: timeoutMs + this.#cluster.requestTimeoutMs },
      )
      throwIfNotController(res.results.map((r) => r.errorCode))
      return res
    })
    for (const r of response.results) {
      if (r.errorCode !== ErrorCode.NONE) {
        throw new KafkaResponseError(r.errorCode, { resource: r.name, message: r.errorMessage })
      }
    }
  }

  /**
   * Configs of topics and brokers, with their source and synonyms. Broker resources are asked of that
   * broker (as Kafka's AdminClient does); the rest of any broker.
   */
  async describeConfigs(
    resources: readonly ConfigResource[],
    options: { includeSynonyms?: boolean } = {},
  ): Promise<ConfigDescription[]> {
    const includeSynonyms = options.includeSynonyms ?? true
    const results = await Promise.all(
      resources.map((resource) =>
        this.#cluster.retry(async () => {
          const conn = await this.#configConnection(resource)
          const version = conn.versionFor(ApiKey.DescribeConfigs, DESCRIBE_CONFIGS_VERSION_MAX)
          const res = await conn.request(
            ApiKey.DescribeConfigs,
            version,
            (w, v) =>
              encodeDescribeConfigsRequest(w, v, {
                resources: [
                  {
                    resourceType: RESOURCE_TYPE_CODES[resource.type],
                    resourceName: resource.name,
                    configurationKeys: resource.keys === undefined ? null : [...resource.keys],
                  },
                ],
                includeSynonyms,
                includeDocumentation: false,
              }),
            decodeDescribeConfigsResponse,
          )
          const result = res.results[0]
          if (result === undefined) {
            throw new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, {
              resource: resource.name,
              message: 'empty DescribeConfigs response',
            })
          }
          return { result, version }
        }),
      ),
    )
    return results.map(({ result, version }, i) => toConfigDescription(resources[i]!, result, version))
  }

  /** Cluster id, controller and brokers (DescribeCluster, or Metadata on brokers without it). */
  async describeCluster(): Promise<ClusterDescription> {
    return this.#cluster.retry(async () => {
      const conn = await this.#cluster.anyConnection()
      if (!conn.apiVersions.has(ApiKey.DescribeCluster)) {
        const md = await this.#cluster.metadata([])
        return {
          clusterId: md.clusterId,
          controllerId: md.controllerId,
          brokers: md.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
        }
      }
      const version = conn.versionFor(ApiKey.DescribeCluster, DESCRIBE_CLUSTER_VERSION_MAX)
      const res = await conn.request(
        ApiKey.DescribeCluster,
        version,
        (w, v) => encodeDescribeClusterRequest(w, v, { includeClusterAuthorizedOperations: false, endpointType: 1 }),
        decodeDescribeClusterResponse,
      )
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(res.errorCode, { message: res.errorMessage })
      return {
        clusterId: res.clusterId,
        controllerId: res.controllerId,
        brokers: res.brokers
          .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack }))
          .sort((a, b) => a.nodeId - b.nodeId),
      }
    })
  }

  /**
   * Offsets of a topic's partitions (null = all of them): 'earliest' (log start), 'latest' (the next
   * offset to be written), 'max-timestamp' (the record with the largest timestamp) or a timestamp in ms
   * (the first record at or after it; offset -1 when there is none).
   */
  async listOffsets(
    topic: string,
    partitions: readonly number[] | null,
    spec: OffsetSpec,
    options: { isolationLevel?: 'read_uncommitted' | 'read_committed' } = {},
  ): Promise<PartitionOffset[]> {
    const ids = partitions ?? (await this.#allPartitions(topic))
    const isolation =
      options.isolationLevel === 'read_committed' ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted
    return listOffsets(
      this.#cluster,
      ids.map((partition) => ({ topic, partition, spec })),
      isolation,
    )
  }

  /** Consumer groups on every broker, optionally only those in the given states (ListGroups v4+). */
  listGroups(options: { states?: readonly string[] } = {}): Promise<GroupListing[]> {
    return listGroups(this.#cluster, options.states ?? [])
  }

  /** A group's state, protocol and members with their decoded assignments. */
  describeGroup(groupId: string): Promise<GroupDescription> {
    return describeGroup(this.#cluster, groupId)
  }

  /** Deletes groups (NON_EMPTY_GROUP while they have members, GROUP_ID_NOT_FOUND when unknown). */
  deleteGroups(groupIds: readonly string[]): Promise<void> {
    return deleteGroups(this.#cluster, groupIds)
  }

  /** Deletes each group, trying all of them; one result per group (error null when it was deleted). */
  deleteGroupsEach(groupIds: readonly string[]): Promise<{ groupId: string; error: KafkaResponseError | null }[]> {
    return deleteGroupsEach(this.#cluster, groupIds)
  }

  /** A group's committed offsets (all topics when none are named). */
  fetchCommittedOffsets(groupId: string, topics?: readonly TopicPartitions[]): Promise<CommittedOffset[]> {
    return fetchCommittedOffsets(this.#cluster, groupId, topics)
  }

  /** Commits offsets for an inactive group, as kafka-consumer-groups --reset-offsets --execute does. */
  alterCommittedOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    return alterCommittedOffsets(this.#cluster, groupId, offsets)
  }

  async #allPartitions(topic: string): Promise<number[]> {
    const info = await this.#cluster.retry(() => this.#cluster.topicInfo(topic))
    return info.partitions.map((p) => p.partition)
  }

  /** Runs a controller request, retrying on lost connections and NOT_CONTROLLER (with a refresh). */
  #onController<T>(send: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    return this.#cluster.retry(async () => send(await this.#cluster.controllerConnection()))
  }

  async #configConnection(resource: ConfigResource): Promise<BrokerConnection> {
    if (resource.type !== 'topic' && resource.name !== '') {
      const nodeId = Number(resource.name)
      if (!Number.isInteger(nodeId)) {
        throw new KafkaResponseError(ErrorCode.INVALID_REQUEST, {
          resource: resource.name,
          message: 'a broker resource is named by its node id',
        })
      }
      return this.#cluster.connectionTo(nodeId)
    }
    return this.#cluster.anyConnection()
  }
}

function throwIfNotController(errorCodes: readonly number[]): void {
  if (errorCodes.includes(ErrorCode.NOT_CONTROLLER)) throw new KafkaResponseError(ErrorCode.NOT_CONTROLLER)
}

function toConfigDescription(
  resource: ConfigResource,
  result: DescribeConfigsResponseDescribeConfigsResult,
  version: number,
): ConfigDescription {
  if (result.errorCode !== ErrorCode.NONE) {
    throw new KafkaResponseError(result.errorCode, { resource: resource.name, message: result.errorMessage })
  }
  return {
    type: resource.type,
    name: result.resourceName,
    configs: result.configs.map((c) => ({
      name: c.name,
      value: c.value,
      // v0 has no source, only isDefault.
      source: version === 0 ? (c.isDefault ? 'DEFAULT_CONFIG' : 'UNKNOWN') : configSource(c.configSource),
      isDefault: version === 0 ? c.isDefault : c.configSource === DEFAULT_CONFIG_SOURCE,
      readOnly: c.readOnly,
      sensitive: c.isSensitive,
      synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: configSource(s.source) })),
    })),
  }
}

function configSource(code: number): ConfigSource {
  return CONFIG_SOURCES[code] ?? 'UNKNOWN'
}
