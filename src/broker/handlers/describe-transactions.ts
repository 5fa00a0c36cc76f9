/**
 * DescribeTransactions (key 65), version 0 (flexible).
 *
 * The state of transactional ids this broker coordinates: state name (Empty, Ongoing, PrepareCommit,
 * PrepareAbort, CompleteCommit, CompleteAbort), timeout, start time, producer id and epoch, and the
 * partitions of the open transaction. Unknown ids answer TRANSACTIONAL_ID_NOT_FOUND; ids coordinated
 * elsewhere NOT_COORDINATOR; while their partition loads COORDINATOR_LOAD_IN_PROGRESS.
 */
import { describeTransactions } from '../../coordinator/txn/txn-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse,
  decodeDescribeTransactionsRequest,
  encodeDescribeTransactionsResponse,
} from '../../protocol/generated/describe-transactions.ts'
import { defineHandler } from '../handler.ts'

export const describeTransactionsHandler = defineHandler<
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
  'txnCoordinator'
>({
  apiKey: ApiKey.DescribeTransactions,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  decodeRequest: decodeDescribeTransactionsRequest,
  encodeResponse: encodeDescribeTransactionsResponse,
  handle: (ctx, request) => ({
    throttleTimeMs: 0,
    transactionStates: describeTransactions(ctx.services.txnCoordinator, request.transactionalIds),
  }),
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    transactionStates: request.transactionalIds.map((transactionalId) => ({
      errorCode,
      transactionalId,
      transactionState: '',
      transactionTimeoutMs: 0,
      transactionStartTimeMs: -1,
      producerId: -1,
      producerEpoch: -1,
      topics: [],
    })),
  }),
})
