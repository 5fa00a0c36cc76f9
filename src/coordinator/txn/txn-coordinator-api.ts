/**
 * The transaction APIs as the broker's handlers call them (Kafka's TransactionCoordinator.handle*
 * methods): validation before a shard is involved, routing to the transactional id's shard, markers
 * started once a Prepare* record committed, and the error each API reports when the shard cannot serve it.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { DescribeTransactionsResponseTransactionState } from '../../protocol/generated/describe-transactions.ts'
import type { ListTransactionsResponse } from '../../protocol/generated/list-transactions.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { partitionsByTopic, type TxnTopicPartition } from './records/txn-records.ts'
import type { TransactionCoordinator } from './txn-coordinator.ts'
import { isTransactionStateName, TransactionState } from './txn-state.ts'

export interface InitProducerIdAnswer {
  readonly errorCode: number
  readonly producerId: number
  readonly producerEpoch: number
}

function codeOf(tc: TransactionCoordinator, operation: string, err: unknown): number {
  if (err instanceof KafkaProtocolError) return err.errorCode
  tc.log.error({ err, operation }, 'transaction operation failed')
  return ErrorCode.UNKNOWN_SERVER_ERROR
}

const failed = (errorCode: number): InitProducerIdAnswer => ({ errorCode, producerId: -1, producerEpoch: -1 })

/**
 * InitProducerId: a new producer id (epoch 0) for an idempotent producer; for a transactional id its
 * producer id with the epoch bumped (fencing older producers; an open transaction is aborted first and
 * the client gets CONCURRENT_TRANSACTIONS to retry). `expected` is the producer id and epoch of KIP-360
 * (v3+), or null.
 */
export async function initProducerId(
  tc: TransactionCoordinator,
  transactionalId: string | null,
  txnTimeoutMs: number,
  expected: { producerId: number; producerEpoch: number } | null,
  nowMs: () => number,
): Promise<InitProducerIdAnswer> {
  if (!tc.isActive) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  if (transactionalId === null) {
    try {
      return { errorCode: ErrorCode.NONE, producerId: await tc.producerIds.generate(), producerEpoch: 0 }
    } catch (err) {
      tc.log.warn({ err }, 'could not reserve producer ids')
      return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    }
  }
  if (transactionalId === '') return failed(ErrorCode.INVALID_REQUEST)
  if (txnTimeoutMs <= 0 || txnTimeoutMs > tc.config.transactionMaxTimeoutMs)
    return failed(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
  let newProducerId: number | null = null
  try {
    for (;;) {
      const id = newProducerId
      const r = await tc.write(transactionalId, 'init-producer-id', (shard) =>
        shard.initProducerId(transactionalId, txnTimeoutMs, expected, id, nowMs()),
      )
      if (r.needsProducerId && newProducerId === null) {
        newProducerId = await tc.producerIds.generate()
        continue
      }
      if (r.prepared !== null) tc.writeMarkers(r.prepared)
      if (r.needsProducerId) return failed(ErrorCode.CONCURRENT_TRANSACTIONS)
      return { errorCode: r.errorCode, producerId: r.producerId, producerEpoch: r.producerEpoch }
    }
  } catch (err) {
    return failed(codeOf(tc, 'init-producer-id', err))
  }
}

/** AddPartitionsToTxn (and AddOffsetsToTxn, with the group's `__consumer_offsets` partition). */
export async function addPartitionsToTxn(
  tc: TransactionCoordinator,
  transactionalId: string,
  producerId: number,
  producerEpoch: number,
  partitions: readonly TxnTopicPartition[],
  nowMs: () => number,
): Promise<number> {
  if (!tc.isActive) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  if (transactionalId === '') return ErrorCode.INVALID_REQUEST
  try {
    return await tc.write(transactionalId, 'add-partitions-to-txn', (shard) =>
      shard.addPartitions(transactionalId, producerId, producerEpoch, partitions, nowMs()),
    )
  } catch (err) {
    return codeOf(tc, 'add-partitions-to-txn', err)
  }
}

/** AddPartitionsToTxn v4+ with verify_only: one error code per partition, nothing written. */
export function verifyPartitionsInTxn(
  tc: TransactionCoordinator,
  transactionalId: string,
  producerId: number,
  producerEpoch: number,
  partitions: readonly TxnTopicPartition[],
): number[] {
  if (transactionalId === '') return partitions.map(() => ErrorCode.INVALID_REQUEST)
  try {
    return tc.read(transactionalId, (shard) =>
      shard.verifyPartitions(transactionalId, producerId, producerEpoch, partitions),
    )
  } catch (err) {
    const code = codeOf(tc, 'verify-partitions-in-txn', err)
    return partitions.map(() => code)
  }
}

/** EndTxn: writes PrepareCommit/PrepareAbort and answers; the markers and Complete* record follow. */
export async function endTxn(
  tc: TransactionCoordinator,
  transactionalId: string,
  producerId: number,
  producerEpoch: number,
  committed: boolean,
  nowMs: () => number,
): Promise<number> {
  if (!tc.isActive) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  if (transactionalId === '') return ErrorCode.INVALID_REQUEST
  try {
    const r = await tc.write(transactionalId, 'end-txn', (shard) =>
      shard.endTransaction(transactionalId, producerId, producerEpoch, committed, nowMs()),
    )
    if (r.prepared !== null) tc.writeMarkers(r.prepared)
    return r.errorCode
  } catch (err) {
    return codeOf(tc, 'end-txn', err)
  }
}

/** DescribeTransactions: the state of each id (TRANSACTIONAL_ID_NOT_FOUND for unknown ones). */
export function describeTransactions(
  tc: TransactionCoordinator,
  transactionalIds: readonly string[],
): DescribeTransactionsResponseTransactionState[] {
  return transactionalIds.map((transactionalId) => {
    const out: DescribeTransactionsResponseTransactionState = {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: '',
      transactionTimeoutMs: 0,
      transactionStartTimeMs: -1,
      producerId: -1,
      producerEpoch: -1,
      topics: [],
    }
    try {
      const m = tc.read(transactionalId, (shard) => shard.get(transactionalId))
      if (m === undefined || m.state === TransactionState.Dead) {
        out.errorCode = ErrorCode.TRANSACTIONAL_ID_NOT_FOUND
        return out
      }
      out.transactionState = m.state
      out.transactionTimeoutMs = m.txnTimeoutMs
      out.transactionStartTimeMs = m.txnStartTimestamp
      out.producerId = m.producerId
      out.producerEpoch = m.producerEpoch
      out.topics = partitionsByTopic(m.partitions)
    } catch (err) {
      out.errorCode = codeOf(tc, 'describe-transactions', err)
    }
    return out
  })
}

/** ListTransactions over every partition this coordinator leads (COORDINATOR_LOAD_IN_PROGRESS while one loads). */
export function listTransactions(
  tc: TransactionCoordinator,
  stateFilters: readonly string[],
  producerIdFilters: readonly number[],
  durationFilterMs: number,
  nowMs: number,
): ListTransactionsResponse {
  const response: ListTransactionsResponse = {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    unknownStateFilters: [],
    transactionStates: [],
  }
  if (!tc.isActive) return { ...response, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
  const { shards, loading } = tc.activeShards()
  if (loading) return { ...response, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS }
  const states = new Set<string>()
  for (const name of stateFilters) {
    if (isTransactionStateName(name)) states.add(name)
    else response.unknownStateFilters.push(name)
  }
  const producerIds = new Set(producerIdFilters)
  for (const shard of shards) {
    for (const m of shard.all()) {
      if (m.state === TransactionState.Dead) continue
      if (producerIds.size > 0 && !producerIds.has(m.producerId)) continue
      if (states.size > 0 && !states.has(m.state)) continue
      if (durationFilterMs >= 0 && nowMs - m.txnStartTimestamp <= durationFilterMs) continue
      response.transactionStates.push({
        transactionalId: m.transactionalId,
        producerId: m.producerId,
        transactionState: m.state,
      })
    }
  }
  return response
}
