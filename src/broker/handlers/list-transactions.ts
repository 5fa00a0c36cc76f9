/**
 * ListTransactions (key 66), versions 0-1 (flexible).
 *
 * Version notes: v1 adds duration_filter (KIP-994: transactions running longer than that many ms; -1 = no
 * filter). Not advertised: v2 (transactional id pattern, Kafka 4.1).
 *
 * Lists the transactional ids of every `__transaction_state` partition this broker leads (admin clients
 * ask every broker), filtered by state names (unknown names come back in unknown_state_filters) and
 * producer ids; COORDINATOR_LOAD_IN_PROGRESS while a partition loads.
 */
import { listTransactions } from '../../coordinator/txn/txn-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeListTransactionsRequest,
  encodeListTransactionsResponse,
  type ListTransactionsRequest,
  type ListTransactionsResponse,
} from '../../protocol/generated/list-transactions.ts'
import { defineHandler } from '../handler.ts'

export const listTransactionsHandler = defineHandler<
  ListTransactionsRequest,
  ListTransactionsResponse,
  'txnCoordinator'
>({
  apiKey: ApiKey.ListTransactions,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: decodeListTransactionsRequest,
  encodeResponse: encodeListTransactionsResponse,
  handle: (ctx, request) =>
    listTransactions(
      ctx.services.txnCoordinator,
      request.stateFilters,
      request.producerIdFilters,
      ctx.apiVersion >= 1 ? request.durationFilter : -1,
      ctx.scheduler.clock.nowMs(),
    ),
  errorResponse: (_request, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    unknownStateFilters: [],
    transactionStates: [],
  }),
})
