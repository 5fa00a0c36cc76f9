import { ErrorCode } from '../../protocol/error-codes.ts'
import { type TransactionMetadata, type TxnTopicPartition, unionPartitions } from './records/txn-records.ts'
import { TransactionState, transitionTo } from './txn-state.ts'

/**
 * The transitions of a transactional id (Kafka's TransactionMetadata.prepare* methods). Each returns the
 * metadata after the transition, which the coordinator writes to `__transaction_state`; the shard's
 * state becomes it only when the record is replayed. Every transition is checked by `transitionTo`.
 * (Transactions v2, KIP-890 part 2 — an epoch bump per transaction — is not supported.)
 */
export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
const SHORT_MAX = 32767

/** Kafka's isEpochExhausted: the last epoch is kept so the coordinator can always fence. */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= SHORT_MAX - 1
}

export function newTransactionMetadata(
  transactionalId: string,
  producerId: number,
  txnTimeoutMs: number,
  nowMs: number,
): TransactionMetadata {
  return {
    transactionalId,
    producerId,
    prevProducerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    txnTimeoutMs,
    state: TransactionState.Empty,
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: nowMs,
  }
}

function transit(
  m: TransactionMetadata,
  to: TransactionState,
  next: Partial<TransactionMetadata>,
): TransactionMetadata {
  const state = transitionTo(m.state, to)
  const out: TransactionMetadata = { ...m, ...next, state }
  if (out.producerId < 0) throw new Error(`Illegal new producer id ${out.producerId}`)
  if (state !== TransactionState.Dead && out.producerEpoch < 0)
    throw new Error(`Illegal new producer epoch ${out.producerEpoch}`)
  return out
}

/** Fencing an open transaction: one epoch up, never handed to a client (the abort that follows uses it). */
export function prepareFenceProducerEpoch(m: TransactionMetadata): TransactionMetadata {
  if (m.producerEpoch >= SHORT_MAX) throw new Error('Cannot fence a producer whose epoch is Short.MaxValue')
  return transit(m, TransactionState.PrepareEpochFence, {
    producerEpoch: m.producerEpoch + 1,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
  })
}

/**
 * InitProducerId on an id without an open transaction: the epoch goes up by one, unless the request is a
 * retry of the previous call (expected = last epoch). A producer with another epoch is fenced.
 */
export function prepareIncrementProducerEpoch(
  m: TransactionMetadata,
  txnTimeoutMs: number,
  expectedEpoch: number | null,
  nowMs: number,
): TransactionMetadata | { errorCode: number } {
  if (isEpochExhausted(m.producerEpoch)) throw new Error(`Cannot allocate any more epochs for producer ${m.producerId}`)
  const bumped = m.producerEpoch + 1
  let epochs: [number, number]
  if (expectedEpoch === null) epochs = [bumped, NO_PRODUCER_EPOCH]
  else if (m.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === m.producerEpoch)
    epochs = [bumped, m.producerEpoch]
  else if (expectedEpoch === m.lastProducerEpoch) epochs = [m.producerEpoch, m.lastProducerEpoch]
  else return { errorCode: ErrorCode.PRODUCER_FENCED }
  return transit(m, TransactionState.Empty, {
    producerEpoch: epochs[0],
    lastProducerEpoch: epochs[1],
    txnTimeoutMs,
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: nowMs,
  })
}

/** The epochs of this producer id are used up: a new id at epoch 0. */
export function prepareProducerIdRotation(
  m: TransactionMetadata,
  newProducerId: number,
  txnTimeoutMs: number,
  nowMs: number,
  recordLastEpoch: boolean,
): TransactionMetadata {
  return transit(m, TransactionState.Empty, {
    producerId: newProducerId,
    prevProducerId: m.producerId,
    producerEpoch: 0,
    lastProducerEpoch: recordLastEpoch ? m.producerEpoch : NO_PRODUCER_EPOCH,
    txnTimeoutMs,
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: nowMs,
  })
}

export function prepareAddPartitions(
  m: TransactionMetadata,
  added: readonly TxnTopicPartition[],
  nowMs: number,
): TransactionMetadata {
  const starting =
    m.state === TransactionState.Empty ||
    m.state === TransactionState.CompleteAbort ||
    m.state === TransactionState.CompleteCommit
  return transit(m, TransactionState.Ongoing, {
    partitions: unionPartitions(starting ? [] : m.partitions, added),
    txnStartTimestamp: starting ? nowMs : m.txnStartTimestamp,
    txnLastUpdateTimestamp: nowMs,
  })
}

export function prepareAbortOrCommit(
  m: TransactionMetadata,
  to: typeof TransactionState.PrepareCommit | typeof TransactionState.PrepareAbort,
  nowMs: number,
): TransactionMetadata {
  return transit(m, to, { txnLastUpdateTimestamp: nowMs })
}

/** Every marker is written: the transaction is complete and holds no partitions. */
export function prepareComplete(m: TransactionMetadata, nowMs: number): TransactionMetadata {
  const to =
    m.state === TransactionState.PrepareCommit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort
  return transit(m, to, { partitions: [], txnLastUpdateTimestamp: nowMs })
}

/** transactional.id.expiration.ms passed: the id is removed (a tombstone is written). */
export function prepareDead(m: TransactionMetadata): TransactionMetadata {
  return transit(m, TransactionState.Dead, { partitions: [] })
}

/** Kafka's isValidProducerId for InitProducerId with an expected producer id and epoch (KIP-360). */
export function isValidProducerId(m: TransactionMetadata, producerId: number, epoch: number): boolean {
  return (
    m.producerEpoch === NO_PRODUCER_EPOCH ||
    producerId === m.producerId ||
    (producerId === m.prevProducerId && isEpochExhausted(epoch))
  )
}
