/**
 * OffsetFetch (key 9), versions 0-9.
 *
 * Version notes: v0 read ZooKeeper in Kafka (Samsa answers from the coordinator, like v1); v1 reads
 * `__consumer_offsets` (kafka-python, Sarama); v2 allows topics = null for every committed partition and
 * adds a top-level error (before v2 a group error is put on every requested partition); v3 adds
 * throttle time; v4 is v3; v5 adds the committed leader epoch; v6 is flexible; v7 adds require_stable
 * (librdkafka sets it with read_committed: the fetch waits for pending writes, and partitions with open
 * transactional offsets answer UNSTABLE_OFFSET_COMMIT); v8 fetches several groups at once; v9 adds the
 * KIP-848 member id and epoch.
 *
 * A partition without a committed offset answers offset -1, metadata "" (never null: Sarama fails on
 * it), leader epoch -1 and NONE; an unknown group answers that for every partition.
 */
import { fetchOffsets } from '../../coordinator/group/group-coordinator-api.ts'
import type { TopicPartitions } from '../../coordinator/group/offset-metadata-manager.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeOffsetFetchRequest,
  encodeOffsetFetchResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type OffsetFetchResponseOffsetFetchResponseGroup,
} from '../../protocol/generated/offset-fetch.ts'
import { defineHandler } from '../handler.ts'

function singleGroupResponse(
  version: number,
  group: OffsetFetchResponseOffsetFetchResponseGroup,
  requested: readonly TopicPartitions[] | null,
): OffsetFetchResponse {
  let topics = group.topics
  if (version < 2 && group.errorCode !== ErrorCode.NONE) {
    // No top-level error before v2: every requested partition carries it.
    topics = (requested ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => ({
        partitionIndex: p,
        committedOffset: -1,
        committedLeaderEpoch: -1,
        metadata: '',
        errorCode: group.errorCode,
      })),
    }))
  }
  return { throttleTimeMs: 0, topics, errorCode: group.errorCode, groups: [] }
}

export const offsetFetchHandler = defineHandler<OffsetFetchRequest, OffsetFetchResponse, 'groupCoordinator'>({
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  decodeRequest: decodeOffsetFetchRequest,
  encodeResponse: encodeOffsetFetchResponse,
  async handle(ctx, request) {
    const gc = ctx.services.groupCoordinator
    if (ctx.apiVersion < 8) {
      const group = await fetchOffsets(gc, request.groupId, request.topics, request.requireStable)
      return singleGroupResponse(ctx.apiVersion, group, request.topics)
    }
    const groups = await Promise.all(
      request.groups.map((g) =>
        fetchOffsets(gc, g.groupId, g.topics, request.requireStable, g.memberId, g.memberEpoch),
      ),
    )
    return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups }
  },
  errorResponse: (request, errorCode, version) => {
    if (version < 8)
      return singleGroupResponse(version, { groupId: request.groupId, topics: [], errorCode }, request.topics)
    return {
      throttleTimeMs: 0,
      topics: [],
      errorCode: ErrorCode.NONE,
      groups: request.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode })),
    }
  },
})
