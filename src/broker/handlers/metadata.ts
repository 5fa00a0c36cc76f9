/**
 * Metadata (key 3), versions 0-12.
 *
 * Version notes: v0 — an empty topic list means all topics (kafka-python's probe, Sarama's default);
 * v1+ — null means all topics and an empty list none (librdkafka's first, brokers-only request); v1 adds
 * controller id and isInternal; v2 cluster id; v4 allowAutoTopicCreation; v5 offlineReplicas; v7 leader
 * epochs; v8-10 authorized operations (Samsa reports "not requested" = INT32_MIN unless asked, then 0);
 * v9 flexible; v10 topic ids; v12 lookup by topic id (KIP-516).
 *
 * Auto-creation: with auto.create.topics.enable and allowAutoTopicCreation, unknown topics are
 * created with num.partitions / default.replication.factor before answering, so the client sees them
 * at once. Invalid names get INVALID_TOPIC_EXCEPTION.
 */

import type { MetadataImage } from '../../metadata/image/metadata-image.ts'
import type { TopicImage } from '../../metadata/image/topics-image.ts'
import { isInternalTopic, topicNameProblem } from '../../metadata/topic-names.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeMetadataRequest,
  encodeMetadataResponse,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseMetadataResponseTopic,
} from '../../protocol/generated/metadata.ts'
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648

type Services = 'metadata' | 'config' | 'controller' | 'clusterId' | 'nodeId'

export const metadataHandler = defineHandler<MetadataRequest, MetadataResponse, Services>({
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  decodeRequest: decodeMetadataRequest,
  encodeResponse: encodeMetadataResponse,
  async handle(ctx, request) {
    let image = ctx.services.metadata()
    const allTopics = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0)
    if (!allTopics) {
      const created = await autoCreate(ctx, request, image)
      if (created) image = ctx.services.metadata()
    }
    const topics: MetadataResponseMetadataResponseTopic[] = []
    if (allTopics) {
      for (const t of image.topics.byName.values()) topics.push(describeTopic(t, request))
    } else {
      for (const wanted of request.topics ?? []) {
        const t = wanted.name !== null ? image.topics.getTopic(wanted.name) : image.topics.getTopicById(wanted.topicId)
        if (t !== undefined) {
          topics.push(describeTopic(t, request))
          continue
        }
        topics.push(missingTopic(wanted.name, wanted.topicId, ctx, request))
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: brokersFor(image, ctx.listenerName),
      clusterId: ctx.services.clusterId,
      controllerId: ctx.services.nodeId,
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? 0 : AUTHORIZED_OPERATIONS_OMITTED,
    }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    topics: (request.topics ?? []).map((t) => ({
      errorCode,
      name: t.name,
      topicId: t.topicId,
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    })),
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }),
})

/** Creates the requested topics that do not exist, when allowed; true if anything was created. */
async function autoCreate(
  ctx: RequestContext<Services>,
  request: MetadataRequest,
  image: MetadataImage,
): Promise<boolean> {
  const config = ctx.services.config()
  if (!request.allowAutoTopicCreation || !config.getBoolean('auto.create.topics.enable')) return false
  const names = (request.topics ?? [])
    .map((t) => t.name)
    .filter(
      (n): n is string =>
        n !== null && image.topics.getTopic(n) === undefined && topicNameProblem(n) === null && !isInternalTopic(n),
    )
  if (names.length === 0) return false
  const results = await ctx.services.controller.createTopics(
    [...new Set(names)].map((name) => ({
      name,
      numPartitions: -1,
      replicationFactor: -1,
      assignments: [],
      configs: [],
    })),
    false,
  )
  for (const r of results) {
    if (r.errorCode !== 0 && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      ctx.logger.warn({ topic: r.name, errorCode: r.errorCode, reason: r.errorMessage }, 'auto topic creation failed')
    }
  }
  return true
}

function missingTopic(
  name: string | null,
  topicId: string,
  ctx: RequestContext<Services>,
  request: MetadataRequest,
): MetadataResponseMetadataResponseTopic {
  let errorCode: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  if (name === null) errorCode = ErrorCode.UNKNOWN_TOPIC_ID
  else if (topicNameProblem(name) !== null) errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION
  else if (
    request.allowAutoTopicCreation &&
    ctx.services.config().getBoolean('auto.create.topics.enable') &&
    !isInternalTopic(name)
  ) {
    // Creation was attempted but the topic is not there (e.g. it failed validation): retriable.
    errorCode = ErrorCode.LEADER_NOT_AVAILABLE
  }
  return {
    errorCode,
    name,
    topicId: name === null ? topicId : ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }
}

function describeTopic(t: TopicImage, request: MetadataRequest): MetadataResponseMetadataResponseTopic {
  const partitions = [...t.partitions.values()]
    .sort((a, b) => a.partitionId - b.partitionId)
    .map((p) => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partitionId,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: [],
    }))
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: isInternalTopic(t.name),
    partitions,
    topicAuthorizedOperations: request.includeTopicAuthorizedOperations ? 0 : AUTHORIZED_OPERATIONS_OMITTED,
  }
}

/** Every registered broker, addressed on the listener the request came in on (Kafka's rule). */
export function brokersFor(image: MetadataImage, listenerName: string): MetadataResponse['brokers'] {
  const out: MetadataResponse['brokers'] = []
  for (const b of image.cluster.brokers.values()) {
    if (b.fenced) continue
    const endpoint = b.listeners.find((l) => l.name === listenerName) ?? b.listeners[0]
    if (endpoint === undefined) continue
    out.push({ nodeId: b.id, host: endpoint.host, port: endpoint.port, rack: b.rack })
  }
  return out.sort((a, b) => a.nodeId - b.nodeId)
}
