/**
 * AddOffsetsToTxn (key 25), versions 0-4.
 *
 * Version notes: v1 is v0; v2 may answer PRODUCER_FENCED (v0-1 get INVALID_PRODUCER_EPOCH, as Kafka maps
 * it); v3 is flexible; v4 may answer TRANSACTION_ABORTABLE.
 *
 * Adds the group's `__consumer_offsets` partition to the transaction (creating the topic first when no
 * group has used it yet), so TxnOffsetCommit's offsets get that transaction's marker.
 */
import { addPartitionsToTxn } from '../../coordinator/txn/txn-coordinator-api.ts'
import { CONSUMER_OFFSETS_TOPIC } from '../../metadata/topic-names.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import {
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse,
  decodeAddOffsetsToTxnRequest,
  encodeAddOffsetsToTxnResponse,
} from '../../protocol/generated/add-offsets-to-txn.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import { defineHandler } from '../handler.ts'

export const addOffsetsToTxnHandler = defineHandler<
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  'txnCoordinator' | 'groupCoordinator'
>({
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeAddOffsetsToTxnRequest,
  encodeResponse: encodeAddOffsetsToTxnResponse,
  async handle(ctx, request) {
    const gc = ctx.services.groupCoordinator
    try {
      await gc.ensureOffsetsTopic()
    } catch {
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
    }
    const partition = { topic: CONSUMER_OFFSETS_TOPIC, partition: gc.partitionFor(request.groupId) }
    let errorCode = await addPartitionsToTxn(
      ctx.services.txnCoordinator,
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      [partition],
      () => ctx.scheduler.clock.nowMs(),
    )
    if (ctx.apiVersion < 2 && errorCode === ErrorCode.PRODUCER_FENCED) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH
    return { throttleTimeMs: 0, errorCode }
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})
