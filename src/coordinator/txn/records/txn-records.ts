import { Reader } from '../../../protocol/primitives/reader.ts'
import { Writer } from '../../../protocol/primitives/writer.ts'
import type { CoordinatorRecordSerde } from '../../runtime/coordinator-shard.ts'
import { TRANSACTION_STATES, TransactionState, transactionStateFromId } from '../txn-state.ts'
import { decodeTransactionLogKey, encodeTransactionLogKey } from './generated/transaction-log-key.ts'
import {
  decodeTransactionLogValue,
  encodeTransactionLogValue,
  type TransactionLogValuePartitionsSchema,
} from './generated/transaction-log-value.ts'

export interface TxnTopicPartition {
  readonly topic: string
  readonly partition: number
}

/**
 * Everything the coordinator knows of one transactional id (Kafka's TransactionMetadata). Immutable: a
 * change is a new value written to `__transaction_state` and replayed. `lastProducerEpoch` and
 * `prevProducerId` live in memory only (value version 0 does not carry them; a reload starts them at -1,
 * as Kafka does).
 */
export interface TransactionMetadata {
  readonly transactionalId: string
  readonly producerId: number
  readonly prevProducerId: number
  readonly producerEpoch: number
  readonly lastProducerEpoch: number
  readonly txnTimeoutMs: number
  readonly state: TransactionState
  /** Sorted by topic, then partition; empty unless Ongoing or Prepare*. */
  readonly partitions: readonly TxnTopicPartition[]
  /** When the first partition was added; -1 while Empty. */
  readonly txnStartTimestamp: number
  readonly txnLastUpdateTimestamp: number
}

/** One `__transaction_state` record: the whole metadata of an id, or its tombstone (metadata null). */
export interface TxnRecord {
  readonly transactionalId: string
  readonly metadata: TransactionMetadata | null
}

/** Kafka writes value version 0 until transaction.version 2 (KIP-890) is enabled. */
export const TRANSACTION_LOG_VALUE_VERSION = 0
const KEY_VERSION = 0

export function comparePartitions(a: TxnTopicPartition, b: TxnTopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

/** The union of two partition lists, sorted and without duplicates. */
export function unionPartitions(a: readonly TxnTopicPartition[], b: readonly TxnTopicPartition[]): TxnTopicPartition[] {
  const seen = new Map<string, TxnTopicPartition>()
  for (const tp of [...a, ...b]) seen.set(`${tp.topic}\u0000${tp.partition}`, tp)
  return [...seen.values()].sort(comparePartitions)
}

/** Partitions grouped by topic, in order (the log value's and DescribeTransactions' shape). */
export function partitionsByTopic(partitions: readonly TxnTopicPartition[]): { topic: string; partitions: number[] }[] {
  const out: { topic: string; partitions: number[] }[] = []
  for (const tp of [...partitions].sort(comparePartitions)) {
    const last = out.at(-1)
    if (last?.topic === tp.topic) last.partitions.push(tp.partition)
    else out.push({ topic: tp.topic, partitions: [tp.partition] })
  }
  return out
}

function encodeKey(transactionalId: string): Buffer {
  const w = new Writer(32 + transactionalId.length * 3)
  w.writeInt16(KEY_VERSION)
  encodeTransactionLogKey(w, KEY_VERSION, { transactionalId })
  return w.toBuffer()
}

function encodeValue(m: TransactionMetadata): Buffer {
  // Kafka's TransactionLog.valueToBytes: an Empty transaction has no partition list (null).
  if (m.state === TransactionState.Empty && m.partitions.length > 0)
    throw new Error(`Transaction ${m.transactionalId} is Empty but has partitions`)
  const partitions: TransactionLogValuePartitionsSchema[] | null =
    m.state === TransactionState.Empty
      ? null
      : partitionsByTopic(m.partitions).map((t) => ({ topic: t.topic, partitionIds: t.partitions }))
  const w = new Writer(64)
  w.writeInt16(TRANSACTION_LOG_VALUE_VERSION)
  encodeTransactionLogValue(w, TRANSACTION_LOG_VALUE_VERSION, {
    producerId: m.producerId,
    previousProducerId: m.prevProducerId,
    nextProducerId: -1,
    producerEpoch: m.producerEpoch,
    transactionTimeoutMs: m.txnTimeoutMs,
    transactionStatus: TRANSACTION_STATES[m.state].id,
    transactionPartitions: partitions,
    transactionLastUpdateTimestampMs: m.txnLastUpdateTimestamp,
    transactionStartTimestampMs: m.txnStartTimestamp,
    clientTransactionVersion: 0,
  })
  return w.toBuffer()
}

function decodeValue(transactionalId: string, buf: Buffer): TransactionMetadata {
  const r = new Reader(buf)
  const version = r.readInt16()
  if (version < 0 || version > 1) throw new Error(`Unknown version ${version} from the transaction log message value`)
  const v = decodeTransactionLogValue(r, version)
  const state = transactionStateFromId(v.transactionStatus)
  const partitions: TxnTopicPartition[] = []
  if (state !== TransactionState.Empty) {
    for (const t of v.transactionPartitions ?? [])
      for (const partition of t.partitionIds) partitions.push({ topic: t.topic, partition })
  }
  return {
    transactionalId,
    producerId: v.producerId,
    prevProducerId: v.previousProducerId,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: -1,
    txnTimeoutMs: v.transactionTimeoutMs,
    state,
    partitions: unionPartitions(partitions, []),
    txnStartTimestamp: v.transactionStartTimestampMs,
    txnLastUpdateTimestamp: v.transactionLastUpdateTimestampMs,
  }
}

/** Kafka's TransactionLog format: int16 key version 0 + TransactionLogKey; int16 value version + TransactionLogValue. */
export const txnRecordSerde: CoordinatorRecordSerde<TxnRecord> = {
  serialize(record) {
    return {
      key: encodeKey(record.transactionalId),
      value: record.metadata === null ? null : encodeValue(record.metadata),
    }
  },
  deserialize(keyBytes, valueBytes) {
    const kr = new Reader(keyBytes)
    if (kr.readInt16() !== KEY_VERSION) return null
    const { transactionalId } = decodeTransactionLogKey(kr, KEY_VERSION)
    return { transactionalId, metadata: valueBytes === null ? null : decodeValue(transactionalId, valueBytes) }
  },
}
