/**
 * KIP-890 part 1 (Kafka 3.6+, `transaction.partition.verification.enable`, default true): before a
 * producer's first transactional batch on a partition is appended while it has no transaction open
 * there, the transaction coordinator confirms the partition is in the producer's ongoing transaction
 * (Kafka's ReplicaManager.appendRecordsWithTransactionVerification with AddPartitionsToTxnManager, whose
 * AddPartitionsToTxn v4 verify_only request is answered by TransactionCoordinator
 * .handleVerifyPartitionsInTransaction). Without it a batch the coordinator never recorded opens a
 * transaction nobody will end: the last stable offset stays behind it and read_committed consumers stall.
 *
 * Only the first batch of a transaction on a partition is verified: once the transaction is open in the
 * partition's producer state the append carries SENTINEL_GUARD and nothing is asked. The coordinator is
 * asked in process, as this broker writes markers in process (a coordinator led by another broker answers
 * NOT_COORDINATOR, which Produce reports as NOT_ENOUGH_REPLICAS, a retriable error).
 */
import { verifyPartitionsInTxn } from '../coordinator/txn/txn-coordinator-api.ts'
import { ErrorCode, errorName } from '../protocol/error-codes.ts'
import {
  batchBaseSequence,
  batchIsTransactional,
  batchProducerEpoch,
  batchProducerId,
} from '../protocol/records/record-batch.ts'
import type { ProduceEntry } from '../replication/replica-manager.ts'
import { SENTINEL_GUARD, type VerificationGuard } from '../storage/producer-state.ts'
import type { BrokerServices } from './services.ts'

export const TRANSACTION_VERIFICATION_CONFIG = 'transaction.partition.verification.enable'

export interface VerificationFailure {
  readonly errorCode: number
  readonly errorMessage: string | null
}

/** Coordinator errors an older client may not retry: Produce answers NOT_ENOUGH_REPLICAS, which it does. */
const NOT_YET_VERIFIABLE: ReadonlySet<number> = new Set([
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.CONCURRENT_TRANSACTIONS,
])

/**
 * What Produce (v0-11, transactions v1) answers for a coordinator's verification error: Kafka's
 * AddPartitionsToTxnManager maps PRODUCER_FENCED to INVALID_PRODUCER_EPOCH (which producers handle) and
 * TRANSACTION_ABORTABLE to INVALID_TXN_STATE (Produce v12 clients would get TRANSACTION_ABORTABLE), then
 * ReplicaManager gives INVALID_TXN_STATE its message and turns the retriable coordinator errors into
 * NOT_ENOUGH_REPLICAS.
 */
export function produceErrorForVerification(code: number): VerificationFailure {
  if (code === ErrorCode.PRODUCER_FENCED) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, errorMessage: null }
  if (code === ErrorCode.TRANSACTION_ABORTABLE || code === ErrorCode.INVALID_TXN_STATE)
    return { errorCode: ErrorCode.INVALID_TXN_STATE, errorMessage: 'Partition was not added to the transaction' }
  if (NOT_YET_VERIFIABLE.has(code)) {
    return {
      errorCode: ErrorCode.NOT_ENOUGH_REPLICAS,
      errorMessage: `Unable to verify the partition has been added to the transaction. Underlying error: ${errorName(code)}`,
    }
  }
  return { errorCode: code, errorMessage: null }
}

interface TransactionalBatch {
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
}

function transactionalBatchOf(records: Buffer | Promise<Buffer>): TransactionalBatch | null {
  // Still converting: a legacy message set (Produce v0-v2), never transactional.
  if (!Buffer.isBuffer(records)) return null
  if (records.length < 61 || !batchIsTransactional(records, 0)) return null
  return {
    producerId: batchProducerId(records, 0),
    producerEpoch: batchProducerEpoch(records, 0),
    baseSequence: batchBaseSequence(records, 0),
  }
}

/**
 * Verifies the transactional entries of one Produce request (Produce v3+: one batch per partition) and
 * sets the guard each verified entry is appended with. Returns, per entry, null or the error that
 * partition answers instead of being appended.
 */
export function verifyTransactionalEntries(
  services: Pick<BrokerServices, 'replicaManager' | 'txnCoordinator'>,
  transactionalId: string,
  entries: ProduceEntry[],
): (VerificationFailure | null)[] {
  const batches = entries.map((e) => transactionalBatchOf(e.records))
  const producers = new Set(batches.flatMap((b) => (b === null ? [] : [`${b.producerId}:${b.producerEpoch}`])))
  if (producers.size === 0) return entries.map(() => null)
  if (producers.size > 1) {
    const failure = {
      errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING,
      errorMessage: 'Transactional records contained more than one producer ID',
    }
    return entries.map(() => failure)
  }
  const out: (VerificationFailure | null)[] = entries.map(() => null)
  const pending: { index: number; guard: VerificationGuard }[] = []
  let producer: TransactionalBatch | null = null
  for (const [index, e] of entries.entries()) {
    const b = batches[index]
    if (b === null || b === undefined) continue
    producer = b
    const partition = services.replicaManager.getPartition(e.topic, e.partition)
    // Not led here: the append answers NOT_LEADER_OR_FOLLOWER without asking anyone.
    if (partition?.isLeader !== true) continue
    const guard = partition.log.maybeStartTransactionVerification(b.producerId, b.baseSequence, b.producerEpoch)
    if (guard === SENTINEL_GUARD) e.verification = SENTINEL_GUARD
    else pending.push({ index, guard })
  }
  if (pending.length === 0 || producer === null) return out
  const codes = verifyPartitionsInTxn(
    services.txnCoordinator,
    transactionalId,
    producer.producerId,
    producer.producerEpoch,
    pending.map(({ index }) => ({ topic: entries[index]!.topic, partition: entries[index]!.partition })),
  )
  for (const [i, { index, guard }] of pending.entries()) {
    const code = codes[i] ?? ErrorCode.UNKNOWN_SERVER_ERROR
    if (code === ErrorCode.NONE) entries[index]!.verification = guard
    else out[index] = produceErrorForVerification(code)
  }
  return out
}
