/**
 * OffsetCommit (key 8), versions 0-9.
 *
 * Version notes: v0 commits offsets only (Kafka kept them in ZooKeeper; Samsa stores them like v1+); v1
 * adds generation, member id and a per-partition commit timestamp (Sarama's default); v2 replaces the
 * timestamp with retention_time_ms (kafka-python sends v2); v3 adds throttle time; v4 is v3; v5 drops
 * the retention time; v6 adds the committed leader epoch; v7 adds group_instance_id; v8 is flexible;
 * v9 works with KIP-848 groups (member epoch in place of the generation) and answers
 * GROUP_ID_NOT_FOUND instead of ILLEGAL_GENERATION for an unknown group.
 *
 * Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION, the others are committed in one write;
 * metadata longer than offset.metadata.max.bytes gets OFFSET_METADATA_TOO_LARGE. Group checks (stale
 * generation, unknown member, rebalance in progress) fail every partition and write nothing. A commit
 * with generation -1 into an empty or unknown group is accepted (admin clients, manual assignment).
 * A retention time (v2-v4) is stored as Kafka does, in an offset commit value of version 1.
 */
import { commitOffsets } from '../../coordinator/group/group-coordinator-api.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeOffsetCommitRequest,
  encodeOffsetCommitResponse,
  type OffsetCommitRequest,
  type OffsetCommitRequestOffsetCommitRequestTopic,
  type OffsetCommitResponse,
} from '../../protocol/generated/offset-commit.ts'
import { defineHandler } from '../handler.ts'

type Services = 'groupCoordinator' | 'metadata'

export const offsetCommitHandler = defineHandler<OffsetCommitRequest, OffsetCommitResponse, Services>({
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  decodeRequest: decodeOffsetCommitRequest,
  encodeResponse: encodeOffsetCommitResponse,
  async handle(ctx, request) {
    const image = ctx.services.metadata()
    const errors = new Map<string, number>()
    const valid: OffsetCommitRequestOffsetCommitRequestTopic[] = []
    for (const t of request.topics) {
      const topic = image.topics.getTopic(t.name)
      const partitions = t.partitions.filter((p) => {
        if (topic?.partitions.has(p.partitionIndex) === true) return true
        errors.set(`${t.name}\u0000${p.partitionIndex}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        return false
      })
      if (partitions.length > 0) valid.push({ name: t.name, partitions })
    }
    if (valid.length > 0) {
      const results = await commitOffsets(ctx.services.groupCoordinator, { ...request, topics: valid }, ctx.apiVersion)
      for (const t of results)
        for (const p of t.partitions) errors.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode)
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR,
        })),
      })),
    }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  }),
})
