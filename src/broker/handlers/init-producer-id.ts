/**
 * InitProducerId (key 22), versions 0-5.
 *
 * Version notes: v1 is v0; v2 is flexible; v3 adds producer_id and producer_epoch (KIP-360: a producer
 * resumes after an error; -1/-1 = none, one of them -1 alone is INVALID_REQUEST); v4 may answer
 * PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH instead, as Kafka maps it); v5 may answer
 * TRANSACTION_ABORTABLE (never sent here). Advertised from v0: librdkafka enables idempotence only then.
 *
 * Without a transactional id any broker answers with a fresh producer id (epoch 0) from a block the
 * controller reserved; with one, the transaction coordinator of the id bumps its epoch (fencing older
 * producers) and answers CONCURRENT_TRANSACTIONS while an open transaction is being aborted.
 */
import { initProducerId } from '../../coordinator/txn/txn-coordinator-api.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeInitProducerIdRequest,
  encodeInitProducerIdResponse,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/generated/init-producer-id.ts'
import { defineHandler } from '../handler.ts'

const NO_PRODUCER_ID = -1
const NO_PRODUCER_EPOCH = -1

function response(errorCode: number, producerId = -1, producerEpoch = -1): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId, producerEpoch }
}

export const initProducerIdHandler = defineHandler<InitProducerIdRequest, InitProducerIdResponse, 'txnCoordinator'>({
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeInitProducerIdRequest,
  encodeResponse: encodeInitProducerIdResponse,
  async handle(ctx, request) {
    const { producerId, producerEpoch } = request
    let expected: { producerId: number; producerEpoch: number } | null = null
    if (producerId !== NO_PRODUCER_ID || producerEpoch !== NO_PRODUCER_EPOCH) {
      if (producerId === NO_PRODUCER_ID || producerEpoch === NO_PRODUCER_EPOCH)
        return response(ErrorCode.INVALID_REQUEST)
      expected = { producerId, producerEpoch }
    }
    const r = await initProducerId(
      ctx.services.txnCoordinator,
      request.transactionalId,
      request.transactionTimeoutMs,
      expected,
      () => ctx.scheduler.clock.nowMs(),
    )
    const errorCode =
      ctx.apiVersion < 4 && r.errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode
    return response(errorCode, r.producerId, r.producerEpoch)
  },
  errorResponse: (_request, errorCode) => response(errorCode),
})
