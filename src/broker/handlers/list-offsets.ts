/**
 * ListOffsets (key 2), versions 0-9.
 *
 * Version notes: v0 returns a list of old-style offsets (max_num_offsets; Samsa answers with the one
 * offset asked for); v1 single offset and timestamp; v2 isolation level (latest = last stable offset
 * under read_committed); v4 current leader epoch (KIP-320) and leader epoch in the answer; v6 flexible;
 * v7 max timestamp (-3, KIP-734); v8 earliest local (-4, tiered storage: same as earliest here).
 *
 * Timestamps: -1 latest, -2 earliest, -3 max timestamp, -4 earliest local; otherwise the first offset
 * whose timestamp is at or after the target, through the time index; none → offset -1.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeListOffsetsRequest,
  encodeListOffsetsResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponseListOffsetsPartitionResponse,
} from '../../protocol/generated/list-offsets.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { IsolationLevel } from '../../replication/partition.ts'
import { defineHandler } from '../handler.ts'

type Services = 'metadata' | 'replicaManager'

function partitionResponse(partitionIndex: number, errorCode: number): ListOffsetsResponseListOffsetsPartitionResponse {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 }
}

export const listOffsetsHandler = defineHandler<ListOffsetsRequest, ListOffsetsResponse, Services>({
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 9,
  decodeRequest: decodeListOffsetsRequest,
  encodeResponse: encodeListOffsetsResponse,
  async handle(ctx, request) {
    const image = ctx.services.metadata()
    const isolation =
      ctx.apiVersion >= 2 && request.isolationLevel === 1
        ? IsolationLevel.ReadCommitted
        : IsolationLevel.ReadUncommitted
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            const out = partitionResponse(p.partitionIndex, ErrorCode.NONE)
            if (image.topics.getPartition(t.name, p.partitionIndex) === undefined) {
              out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              return out
            }
            try {
              const epoch = ctx.apiVersion >= 4 ? p.currentLeaderEpoch : -1
              const found = await ctx.services.replicaManager.offsetForTimestamp(
                t.name,
                p.partitionIndex,
                p.timestamp,
                isolation,
                epoch,
              )
              if (ctx.apiVersion === 0) {
                out.oldStyleOffsets = found.offset >= 0 && p.maxNumOffsets > 0 ? [found.offset] : []
              } else {
                out.offset = found.offset
                out.timestamp = found.timestamp
                out.leaderEpoch = found.offset >= 0 ? found.leaderEpoch : -1
              }
            } catch (err) {
              if (!(err instanceof KafkaProtocolError)) throw err
              out.errorCode = err.errorCode
            }
            return out
          }),
        ),
      })),
    )
    return { throttleTimeMs: 0, topics }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => partitionResponse(p.partitionIndex, errorCode)),
    })),
  }),
})
