/**
 * DeleteRecords (key 21), versions 0-2.
 *
 * Version notes: v1 is v0; v2 is flexible. Per partition, offset -1 means the high watermark; the answer
 * is the new low watermark (log start offset). Consumers fetching below it then get OFFSET_OUT_OF_RANGE
 * (their auto.offset.reset applies) and ListOffsets earliest returns it.
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE (beyond the
 * high watermark or negative), POLICY_VIOLATION (cleanup.policy without delete), INVALID_TOPIC_EXCEPTION
 * (internal topics). The timeout waits for followers in Kafka; with one replica nothing waits.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
  type DeleteRecordsResponseDeleteRecordsPartitionResult,
  decodeDeleteRecordsRequest,
  encodeDeleteRecordsResponse,
} from '../../protocol/generated/delete-records.ts'
import { defineHandler } from '../handler.ts'

type Services = 'metadata' | 'replicaManager'

function partitionResult(
  partitionIndex: number,
  errorCode: number,
  lowWatermark = -1,
): DeleteRecordsResponseDeleteRecordsPartitionResult {
  return { partitionIndex, lowWatermark, errorCode }
}

export const deleteRecordsHandler = defineHandler<DeleteRecordsRequest, DeleteRecordsResponse, Services>({
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest: decodeDeleteRecordsRequest,
  encodeResponse: encodeDeleteRecordsResponse,
  async handle(ctx, request) {
    const image = ctx.services.metadata()
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        const known = image.topics.getTopic(t.name)
        const partitions = await Promise.all(
          t.partitions.map(async (p) => {
            if (known?.partitions.has(p.partitionIndex) !== true)
              return partitionResult(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            const r = await ctx.services.replicaManager.deleteRecords(t.name, p.partitionIndex, p.offset)
            if (r.errorCode !== ErrorCode.NONE)
              ctx.logger.warn(
                { topic: t.name, partition: p.partitionIndex, reason: r.errorMessage },
                'delete records refused',
              )
            return partitionResult(p.partitionIndex, r.errorCode, r.lowWatermark)
          }),
        )
        return { name: t.name, partitions }
      }),
    )
    return { throttleTimeMs: 0, topics }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => partitionResult(p.partitionIndex, errorCode)),
    })),
  }),
})
