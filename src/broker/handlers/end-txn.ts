/**
 * EndTxn (key 26), versions 0-4.
 *
 * Version notes: v1 is v0; v2 may answer PRODUCER_FENCED (v0-1 get INVALID_PRODUCER_EPOCH, as Kafka maps
 * it); v3 is flexible; v4 may answer TRANSACTION_ABORTABLE. Not advertised: v5 (KIP-890 part 2, an epoch
 * bump with every transaction).
 *
 * The answer comes once PrepareCommit/PrepareAbort is in `__transaction_state`; the markers follow, and
 * until the transaction is complete the id answers CONCURRENT_TRANSACTIONS (clients retry). Committing a
 * completed commit again (a retry) answers NONE.
 */
import { endTxn } from '../../coordinator/txn/txn-coordinator-api.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeEndTxnRequest,
  type EndTxnRequest,
  type EndTxnResponse,
  encodeEndTxnResponse,
} from '../../protocol/generated/end-txn.ts'
import { defineHandler } from '../handler.ts'

export const endTxnHandler = defineHandler<EndTxnRequest, EndTxnResponse, 'txnCoordinator'>({
  apiKey: ApiKey.EndTxn,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeEndTxnRequest,
  encodeResponse: encodeEndTxnResponse,
  async handle(ctx, request) {
    let errorCode = await endTxn(
      ctx.services.txnCoordinator,
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      request.committed,
      () => ctx.scheduler.clock.nowMs(),
    )
    if (ctx.apiVersion < 2 && errorCode === ErrorCode.PRODUCER_FENCED) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH
    return { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 }
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 }),
})
