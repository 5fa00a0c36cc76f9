/**
 * DescribeProducers (key 61), version 0 (flexible).
 *
 * The producers a partition leader knows (its producer state): id, epoch, last sequence and timestamp,
 * coordinator epoch of the last marker and the first offset of the open transaction (-1 when none), as
 * `kafka-transactions describe-producers` shows them. Partitions this broker does not lead answer
 * NOT_LEADER_OR_FOLLOWER; unknown ones UNKNOWN_TOPIC_OR_PARTITION.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DescribeProducersRequest,
  type DescribeProducersResponse,
  type DescribeProducersResponsePartitionResponse,
  decodeDescribeProducersRequest,
  encodeDescribeProducersResponse,
} from '../../protocol/generated/describe-producers.ts'
import { lastSeqOf } from '../../storage/producer-state.ts'
import { defineHandler, type RequestContext } from '../handler.ts'

type Services = 'replicaManager' | 'metadata'

function describePartition(
  ctx: RequestContext<Services>,
  topic: string,
  partitionIndex: number,
): DescribeProducersResponsePartitionResponse {
  const out: DescribeProducersResponsePartitionResponse = {
    partitionIndex,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    activeProducers: [],
  }
  if (ctx.services.metadata().topics.getPartition(topic, partitionIndex) === undefined) {
    out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return out
  }
  const partition = ctx.services.replicaManager.getPartition(topic, partitionIndex)
  if (partition === undefined || !partition.isLeader) {
    out.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
    return out
  }
  out.activeProducers = partition.log.activeProducers().map((p) => ({
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    lastSequence: lastSeqOf(p),
    lastTimestamp: p.lastTimestamp,
    coordinatorEpoch: p.coordinatorEpoch,
    currentTxnStartOffset: p.currentTxnFirstOffset,
  }))
  return out
}

export const describeProducersHandler = defineHandler<DescribeProducersRequest, DescribeProducersResponse, Services>({
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  decodeRequest: decodeDescribeProducersRequest,
  encodeResponse: encodeDescribeProducersResponse,
  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => describePartition(ctx, t.name, p)),
      })),
    }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({
        partitionIndex,
        errorCode,
        errorMessage: null,
        activeProducers: [],
      })),
    })),
  }),
})
