/**
 * OffsetDelete (key 47), version 0 (KIP-496).
 *
 * Deletes committed offsets of a group: allowed for an empty group, and for a consumer group only for
 * topics its members do not subscribe to (GROUP_SUBSCRIBED_TO_TOPIC otherwise); a non-empty group of
 * another protocol type answers NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND, an empty group id
 * INVALID_GROUP_ID. Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION.
 */
import { deleteOffsets } from '../../coordinator/group/group-coordinator-api.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeOffsetDeleteRequest,
  encodeOffsetDeleteResponse,
  type OffsetDeleteRequest,
  type OffsetDeleteRequestOffsetDeleteRequestTopic,
  type OffsetDeleteResponse,
} from '../../protocol/generated/offset-delete.ts'
import { defineHandler } from '../handler.ts'

type Services = 'groupCoordinator' | 'metadata'

export const offsetDeleteHandler = defineHandler<OffsetDeleteRequest, OffsetDeleteResponse, Services>({
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  decodeRequest: decodeOffsetDeleteRequest,
  encodeResponse: encodeOffsetDeleteResponse,
  async handle(ctx, request) {
    const image = ctx.services.metadata()
    const unknown = new Set<string>()
    const valid: OffsetDeleteRequestOffsetDeleteRequestTopic[] = []
    for (const t of request.topics) {
      const topic = image.topics.getTopic(t.name)
      const partitions = t.partitions.filter((p) => {
        if (topic?.partitions.has(p.partitionIndex) === true) return true
        unknown.add(`${t.name}\u0000${p.partitionIndex}`)
        return false
      })
      if (partitions.length > 0) valid.push({ name: t.name, partitions })
    }
    const response = await deleteOffsets(ctx.services.groupCoordinator, { groupId: request.groupId, topics: valid })
    if (response.errorCode !== ErrorCode.NONE) return response
    const codes = new Map<string, number>()
    for (const t of response.topics)
      for (const p of t.partitions) codes.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode)
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const key = `${t.name}\u0000${p.partitionIndex}`
          const errorCode = unknown.has(key) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : (codes.get(key) ?? ErrorCode.NONE)
          return { partitionIndex: p.partitionIndex, errorCode }
        }),
      })),
    }
  },
  errorResponse: (_request, errorCode) => ({ errorCode, throttleTimeMs: 0, topics: [] }),
})
