import type { Logger } from '../../common/log.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { CreatePartitionsRequestCreatePartitionsTopic } from '../../protocol/generated/create-partitions.ts'
import type { CreateTopicsRequestCreatableTopic } from '../../protocol/generated/create-topics.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { randomUuid } from '../../protocol/primitives/uuid.ts'
import type { RaftClient } from '../../raft/raft-client.ts'
import { validateTopicConfigs } from '../../storage/log-config.ts'
import { ConfigResourceType } from '../image/configs-image.ts'
import type { MetadataImage } from '../image/metadata-image.ts'
import { type MetadataRecord, serializeMetadataRecord } from '../records/metadata-record.ts'
import { isInternalTopic, topicNameProblem, unifyCollisionChars } from '../topic-names.ts'
import {
  type BrokerConfigSchema,
  type ConfigProblem,
  type ConfigResourceResult,
  type IncrementalResourceChange,
  incrementalAlterConfigRecords,
  type LegacyResourceChange,
  legacyAlterConfigRecords,
} from './config-control.ts'
import { placeReplicas, validateAssignment } from './replica-placement.ts'

/**
 * Partitions one CreateTopics or CreatePartitions request may create (Kafka's
 * ReplicationControlManager.MAX_PARTITIONS_PER_BATCH); beyond it the request gets POLICY_VIOLATION
 * before anything is allocated, so a count like 2^31-1 cannot exhaust the controller's memory.
 */
export const MAX_PARTITIONS_PER_REQUEST = 10_000
const EXCESSIVE_PARTITIONS_MESSAGE = 'Excessively large number of partitions per request.'

/** The broker settings the controller consults (a view of the broker configuration). */
export interface ControllerConfig {
  readonly defaultNumPartitions: number
  readonly defaultReplicationFactor: number
  readonly deleteTopicEnable: boolean
}

export interface ControllerOptions {
  nodeId: number
  raft: RaftClient
  /** The newest published metadata image. */
  image: () => MetadataImage
  config: () => ControllerConfig
  logger: Logger
  /** Validation of dynamic broker configs; without it broker resources cannot be altered. */
  brokerConfigSchema?: BrokerConfigSchema
}

export interface CreateTopicResult {
  name: string
  topicId: string
  errorCode: number
  errorMessage: string | null
  numPartitions: number
  replicationFactor: number
}

export interface DeleteTopicResult {
  name: string | null
  topicId: string
  errorCode: number
  errorMessage: string | null
}

export interface TopicErrorResult {
  name: string
  errorCode: number
  errorMessage: string | null
}

export interface BrokerRegistrationRequest {
  incarnationId: string
  listeners: { name: string; host: string; port: number; securityProtocol: number }[]
  rack: string | null
}

/** metadata.version Samsa writes at bootstrap (Kafka 3.9's level). */
const METADATA_VERSION_LEVEL = 21

/**
 * The controller: validates admin operations against the current metadata image and turns them into
 * metadata records, appended through the Raft client (Kafka's QuorumController with its
 * ReplicationControlManager and ConfigurationControlManager). Operations run one at a time (Kafka's
 * controller event queue), and each resolves after its records are committed and published, so the
 * next operation validates against an image that includes the previous one.
 */
export class QuorumController {
  readonly #o: ControllerOptions
  readonly #log: Logger
  #queue: Promise<unknown> = Promise.resolve()

  constructor(o: ControllerOptions) {
    this.#o = o
    this.#log = o.logger.child({ component: 'controller' })
  }

  #run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(op, op)
    this.#queue = result.catch(() => undefined)
    return result
  }

  async #commit(records: MetadataRecord[]): Promise<void> {
    if (records.length === 0) return
    await this.#o.raft.append(records.map(serializeMetadataRecord))
  }

  /** Writes the bootstrap records (metadata.version) into an empty metadata log. */
  bootstrapIfEmpty(): Promise<void> {
    return this.#run(async () => {
      if (this.#o.image().features.finalized.has('metadata.version')) return
      await this.#commit([
        { type: 'FeatureLevelRecord', data: { name: 'metadata.version', featureLevel: METADATA_VERSION_LEVEL } },
      ])
    })
  }

  /** Registers (or re-registers, with a new incarnation) this process's broker, unfenced. */
  registerBroker(nodeId: number, request: BrokerRegistrationRequest): Promise<void> {
    return this.#run(async () => {
      const existing = this.#o.image().cluster.brokers.get(nodeId)
      await this.#commit([
        {
          type: 'RegisterBrokerRecord',
          data: {
            brokerId: nodeId,
            isMigratingZkBroker: false,
            incarnationId: request.incarnationId,
            brokerEpoch: (existing?.epoch ?? 0) + 1,
            endPoints: request.listeners,
            features: [
              { name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: METADATA_VERSION_LEVEL },
            ],
            rack: request.rack,
            fenced: false,
            inControlledShutdown: false,
            logDirs: [],
          },
        },
      ])
    })
  }

  createTopics(
    topics: readonly CreateTopicsRequestCreatableTopic[],
    validateOnly: boolean,
  ): Promise<CreateTopicResult[]> {
    return this.#run(async () => {
      const image = this.#o.image()
      const records: MetadataRecord[] = []
      const results: CreateTopicResult[] = []
      const seen = new Map<string, number>()
      for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1)
      if (totalPartitionsRequested(topics, this.#o.config().defaultNumPartitions) > MAX_PARTITIONS_PER_REQUEST) {
        return topics.map((t) => ({
          name: t.name,
          topicId: '',
          errorCode: ErrorCode.POLICY_VIOLATION,
          errorMessage: EXCESSIVE_PARTITIONS_MESSAGE,
          numPartitions: -1,
          replicationFactor: -1,
        }))
      }
      const creating = new Set<string>()
      for (const topic of topics) {
        const result: CreateTopicResult = {
          name: topic.name,
          topicId: '',
          errorCode: 0,
          errorMessage: null,
          numPartitions: -1,
          replicationFactor: -1,
        }
        results.push(result)
        if ((seen.get(topic.name) ?? 0) > 1) {
          result.errorCode = ErrorCode.INVALID_REQUEST
          result.errorMessage = 'Duplicate topic name.'
          continue
        }
        try {
          const created = this.#createTopicRecords(image, topic, creating)
          result.topicId = validateOnly ? '' : created.topicId
          result.numPartitions = created.numPartitions
          result.replicationFactor = created.replicationFactor
          creating.add(unifyCollisionChars(topic.name))
          if (!validateOnly) records.push(...created.records)
        } catch (err) {
          if (!(err instanceof KafkaProtocolError)) throw err
          result.errorCode = err.errorCode
          result.errorMessage = err.message
        }
      }
      await this.#commit(records)
      for (const r of results)
        if (r.errorCode === 0 && !validateOnly)
          this.#log.info({ topic: r.name, partitions: r.numPartitions }, 'topic created')
      return results
    })
  }

  #createTopicRecords(
    image: MetadataImage,
    topic: CreateTopicsRequestCreatableTopic,
    creating: ReadonlySet<string>,
  ): { topicId: string; numPartitions: number; replicationFactor: number; records: MetadataRecord[] } {
    const nameProblem = topicNameProblem(topic.name)
    if (nameProblem !== null) throw new KafkaProtocolError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
    if (image.topics.getTopic(topic.name) !== undefined) {
      throw new KafkaProtocolError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`)
    }
    const unified = unifyCollisionChars(topic.name)
    for (const existing of image.topics.byName.keys()) {
      if (unifyCollisionChars(existing) === unified) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          `Topic '${topic.name}' collides with existing topic: ${existing}`,
        )
      }
    }
    if (creating.has(unified))
      throw new KafkaProtocolError(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `Topic '${topic.name}' collides with another topic in this request.`,
      )
    const overrides: Record<string, string> = {}
    for (const c of topic.configs) {
      if (c.value !== null) overrides[c.name] = c.value
    }
    const configProblem = validateTopicConfigs(overrides)
    if (configProblem !== null) throw new KafkaProtocolError(ErrorCode.INVALID_CONFIG, configProblem.message)

    const active = image.cluster.activeBrokers.map((b) => b.id)
    const cfg = this.#o.config()
    let assignment: number[][]
    if (topic.assignments.length > 0) {
      if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_REQUEST,
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        )
      }
      const byIndex = new Map(topic.assignments.map((a) => [a.partitionIndex, a.brokerIds]))
      assignment = []
      const activeSet = new Set(active)
      for (let p = 0; p < topic.assignments.length; p++) {
        const replicas = byIndex.get(p)
        if (replicas === undefined) {
          throw new KafkaProtocolError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Partitions should be numbered 0 to ${topic.assignments.length - 1}; partition ${p} is missing.`,
          )
        }
        validateAssignment(replicas, activeSet, assignment[0]?.length ?? null)
        assignment.push([...replicas])
      }
    } else {
      const numPartitions = topic.numPartitions === -1 ? cfg.defaultNumPartitions : topic.numPartitions
      const replicationFactor = topic.replicationFactor === -1 ? cfg.defaultReplicationFactor : topic.replicationFactor
      if (numPartitions < 1)
        throw new KafkaProtocolError(
          ErrorCode.INVALID_PARTITIONS,
          'Number of partitions was set to an invalid non-positive value.',
        )
      if (replicationFactor < 1)
        throw new KafkaProtocolError(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          'Replication factor must be larger than 0, or -1 to use the default value.',
        )
      assignment = placeReplicas(active, numPartitions, replicationFactor)
    }

    const topicId = randomUuid()
    const records: MetadataRecord[] = [{ type: 'TopicRecord', data: { name: topic.name, topicId } }]
    for (const [name, value] of Object.entries(overrides)) {
      records.push({
        type: 'ConfigRecord',
        data: { resourceType: ConfigResourceType.Topic, resourceName: topic.name, name, value },
      })
    }
    for (const [partitionId, replicas] of assignment.entries())
      records.push(partitionRecord(topicId, partitionId, replicas))
    return { topicId, numPartitions: assignment.length, replicationFactor: assignment[0]?.length ?? 0, records }
  }

  deleteTopics(targets: readonly { name: string | null; topicId: string | null }[]): Promise<DeleteTopicResult[]> {
    return this.#run(async () => {
      const image = this.#o.image()
      const records: MetadataRecord[] = []
      const results: DeleteTopicResult[] = []
      const deleting = new Set<string>()
      for (const target of targets) {
        const topic =
          target.name !== null ? image.topics.getTopic(target.name) : image.topics.getTopicById(target.topicId ?? '')
        const result: DeleteTopicResult = {
          name: target.name,
          topicId: target.topicId ?? '',
          errorCode: 0,
          errorMessage: null,
        }
        results.push(result)
        if (topic === undefined) {
          result.errorCode = target.name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID
          result.errorMessage =
            target.name !== null
              ? 'This server does not host this topic-partition.'
              : 'This server does not host this topic ID.'
          continue
        }
        result.name = topic.name
        result.topicId = topic.topicId
        if (!this.#o.config().deleteTopicEnable) {
          result.errorCode = ErrorCode.TOPIC_DELETION_DISABLED
          result.errorMessage = 'Topic deletion is disabled.'
          continue
        }
        if (deleting.has(topic.topicId)) continue
        deleting.add(topic.topicId)
        records.push({ type: 'RemoveTopicRecord', data: { topicId: topic.topicId } })
      }
      await this.#commit(records)
      for (const id of deleting) this.#log.info({ topicId: id }, 'topic deleted')
      return results
    })
  }

  createPartitions(
    topics: readonly CreatePartitionsRequestCreatePartitionsTopic[],
    validateOnly: boolean,
  ): Promise<TopicErrorResult[]> {
    return this.#run(async () => {
      const image = this.#o.image()
      const records: MetadataRecord[] = []
      const results: TopicErrorResult[] = []
      let added = 0
      for (const t of topics) {
        const result: TopicErrorResult = { name: t.name, errorCode: 0, errorMessage: null }
        results.push(result)
        try {
          const partitionRecords = this.#createPartitionRecords(image, t, added)
          added += partitionRecords.length
          if (!validateOnly) records.push(...partitionRecords)
        } catch (err) {
          if (!(err instanceof KafkaProtocolError)) throw err
          result.errorCode = err.errorCode
          result.errorMessage = err.message
        }
      }
      await this.#commit(records)
      return results
    })
  }

  #createPartitionRecords(
    image: MetadataImage,
    t: CreatePartitionsRequestCreatePartitionsTopic,
    addedSoFar: number,
  ): MetadataRecord[] {
    const topic = image.topics.getTopic(t.name)
    if (topic === undefined)
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`)
    if (isInternalTopic(t.name))
      throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `Cannot add partitions to internal topic ${t.name}.`)
    const current = topic.partitions.size
    if (t.count < current)
      throw new KafkaProtocolError(
        ErrorCode.INVALID_PARTITIONS,
        `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`,
      )
    if (t.count === current)
      throw new KafkaProtocolError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`)
    const rf = topic.partitions.get(0)?.replicas.length ?? 1
    const adding = t.count - current
    if (adding > MAX_PARTITIONS_PER_REQUEST - addedSoFar)
      throw new KafkaProtocolError(ErrorCode.POLICY_VIOLATION, EXCESSIVE_PARTITIONS_MESSAGE)
    let assignment: number[][]
    const active = image.cluster.activeBrokers.map((b) => b.id)
    if (t.assignments !== null) {
      if (t.assignments.length !== adding) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Attempted to add ${adding} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`,
        )
      }
      const activeSet = new Set(active)
      assignment = t.assignments.map((a) => {
        validateAssignment(a.brokerIds, activeSet, rf)
        return [...a.brokerIds]
      })
    } else {
      assignment = placeReplicas(active, adding, rf, current)
    }
    return assignment.map((replicas, i) => partitionRecord(topic.topicId, current + i, replicas))
  }

  /** Sets or removes config overrides (value null = remove) on one resource. */
  alterConfigs(resourceType: number, resourceName: string, changes: ReadonlyMap<string, string | null>): Promise<void> {
    return this.#run(async () => {
      const records: MetadataRecord[] = [...changes].map(([name, value]) => ({
        type: 'ConfigRecord',
        data: { resourceType, resourceName, name, value },
      }))
      await this.#commit(records)
    })
  }

  /** IncrementalAlterConfigs: per resource, the operations applied to its overrides, or its error. */
  incrementalAlterConfigs(
    resources: readonly IncrementalResourceChange[],
    validateOnly: boolean,
  ): Promise<ConfigResourceResult[]> {
    return this.#alterConfigResources(resources, validateOnly, (image, r, schema) =>
      incrementalAlterConfigRecords(image, r, schema),
    )
  }

  /** AlterConfigs (legacy): per resource, the given configs replace all its overrides. */
  legacyAlterConfigs(
    resources: readonly LegacyResourceChange[],
    validateOnly: boolean,
  ): Promise<ConfigResourceResult[]> {
    return this.#alterConfigResources(resources, validateOnly, (image, r, schema) =>
      legacyAlterConfigRecords(image, r, schema),
    )
  }

  #alterConfigResources<R extends { resourceType: number; resourceName: string }>(
    resources: readonly R[],
    validateOnly: boolean,
    recordsFor: (image: MetadataImage, r: R, schema: BrokerConfigSchema | null) => MetadataRecord[] | ConfigProblem,
  ): Promise<ConfigResourceResult[]> {
    return this.#run(async () => {
      const image = this.#o.image()
      const records: MetadataRecord[] = []
      const seen = new Map<string, number>()
      for (const r of resources)
        seen.set(`${r.resourceType}:${r.resourceName}`, (seen.get(`${r.resourceType}:${r.resourceName}`) ?? 0) + 1)
      const results = resources.map((r): ConfigResourceResult => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName }
        if ((seen.get(`${r.resourceType}:${r.resourceName}`) ?? 0) > 1)
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate resource in the request.' }
        const out = recordsFor(image, r, this.#o.brokerConfigSchema ?? null)
        if (!Array.isArray(out)) return { ...base, errorCode: out.errorCode, errorMessage: out.message }
        if (!validateOnly) records.push(...out)
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null }
      })
      await this.#commit(records)
      if (records.length > 0) this.#log.info({ records: records.length }, 'configs altered')
      return results
    })
  }

  /** Reserves a block of producer ids (Kafka's AllocateProducerIds) and returns its first id. */
  allocateProducerIds(brokerId: number, blockSize: number): Promise<number> {
    return this.#run(async () => {
      const image = this.#o.image()
      const first = image.nextProducerId
      const existing = image.cluster.brokers.get(brokerId)
      await this.#commit([
        {
          type: 'ProducerIdsRecord',
          data: { brokerId, brokerEpoch: existing?.epoch ?? 0, nextProducerId: first + blockSize },
        },
      ])
      return first
    })
  }
}

/** A new partition's record: every replica in sync, the first one leading. */
export function partitionRecord(topicId: string, partitionId: number, replicas: number[]): MetadataRecord {
  return {
    type: 'PartitionRecord',
    data: {
      partitionId,
      topicId,
      replicas,
      isr: [...replicas],
      removingReplicas: [],
      addingReplicas: [],
      leader: replicas[0] ?? -1,
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  }
}

/** Partitions a CreateTopics request asks for in all (Kafka's validateTotalNumberOfPartitions). */
function totalPartitionsRequested(
  topics: readonly CreateTopicsRequestCreatableTopic[],
  defaultNumPartitions: number,
): number {
  let total = 0
  for (const t of topics) {
    if (t.assignments.length > 0) total += t.assignments.length
    else if (t.numPartitions === -1) total += defaultNumPartitions
    else if (t.numPartitions > 0) total += t.numPartitions
  }
  return total
}
