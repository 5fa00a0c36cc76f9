/**
 * WriteTxnMarkers (key 27), versions 0-1.
 *
 * Version notes: v1 is flexible. Sent by transaction coordinators to partition leaders (this broker's own
 * coordinator calls `writeTxnMarkers` below directly, the same code a remote coordinator's request runs).
 *
 * Per marker and partition: a COMMIT or ABORT control batch (key version 0 + type, value version 0 +
 * coordinator epoch) is appended with acks=all as a coordinator append, so the partition's producer state
 * checks the producer epoch (INVALID_PRODUCER_EPOCH) and the coordinator epoch
 * (TRANSACTION_COORDINATOR_FENCED). Markers for `__consumer_offsets` go through the group coordinator,
 * which then commits or drops the producer's pending offsets. A partition not hosted here answers
 * UNKNOWN_TOPIC_OR_PARTITION; not led here, NOT_LEADER_OR_FOLLOWER (the coordinator retries).
 */
import { completeTransaction } from '../../coordinator/group/group-coordinator-api.ts'
import { CONSUMER_OFFSETS_TOPIC } from '../../metadata/topic-names.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeWriteTxnMarkersRequest,
  encodeWriteTxnMarkersResponse,
  type WriteTxnMarkersRequest,
  type WriteTxnMarkersRequestWritableTxnMarker,
  type WriteTxnMarkersResponse,
  type WriteTxnMarkersResponseWritableTxnMarkerResult,
} from '../../protocol/generated/write-txn-markers.ts'
import { encodeControlBatch } from '../../protocol/records/records.ts'
import { AppendOrigin } from '../../storage/producer-state.ts'
import { defineHandler } from '../handler.ts'
import type { BrokerServices } from '../services.ts'

export type WriteTxnMarkersServices = Pick<BrokerServices, 'replicaManager' | 'groupCoordinator'>

async function writeMarker(
  services: WriteTxnMarkersServices,
  marker: WriteTxnMarkersRequestWritableTxnMarker,
  nowMs: number,
): Promise<WriteTxnMarkersResponseWritableTxnMarkerResult> {
  const type = marker.transactionResult ? 'COMMIT' : 'ABORT'
  const topics = await Promise.all(
    marker.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitionIndexes.map(async (partitionIndex) => {
          if (services.replicaManager.getPartition(t.name, partitionIndex) === undefined)
            return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
          if (t.name === CONSUMER_OFFSETS_TOPIC) {
            const errorCode = await completeTransaction(
              services.groupCoordinator,
              partitionIndex,
              marker.producerId,
              marker.producerEpoch,
              marker.coordinatorEpoch,
              marker.transactionResult,
            )
            return { partitionIndex, errorCode }
          }
          const records = encodeControlBatch({
            type,
            producerId: marker.producerId,
            producerEpoch: marker.producerEpoch,
            coordinatorEpoch: marker.coordinatorEpoch,
            timestamp: nowMs,
          })
          const [result] = await services.replicaManager.appendRecords(
            [{ topic: t.name, partition: partitionIndex, records }],
            -1,
            AppendOrigin.Coordinator,
          )
          return { partitionIndex, errorCode: result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR }
        }),
      ),
    })),
  )
  return { producerId: marker.producerId, topics }
}

/** The WriteTxnMarkers logic: what a partition leader does with a coordinator's markers. */
export async function writeTxnMarkers(
  services: WriteTxnMarkersServices,
  request: WriteTxnMarkersRequest,
  nowMs: number,
): Promise<WriteTxnMarkersResponse> {
  return { markers: await Promise.all(request.markers.map((m) => writeMarker(services, m, nowMs))) }
}

export const writeTxnMarkersHandler = defineHandler<
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
  'replicaManager' | 'groupCoordinator'
>({
  apiKey: ApiKey.WriteTxnMarkers,
  name: 'WriteTxnMarkers',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: decodeWriteTxnMarkersRequest,
  encodeResponse: encodeWriteTxnMarkersResponse,
  handle: (ctx, request) => writeTxnMarkers(ctx.services, request, ctx.scheduler.clock.nowMs()),
  errorResponse: (request, errorCode) => ({
    markers: request.markers.map((m) => ({
      producerId: m.producerId,
      topics: m.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode })),
      })),
    })),
  }),
})
