import {
  batchBaseOffset,
  batchIsControl,
  batchIsTransactional,
  batchLastOffsetDelta,
  batchProducerEpoch,
  batchProducerId,
  batchRecordCount,
} from '../../protocol/records/record-batch.ts'
import { ControlRecordType, decodeRecordBatch } from '../../protocol/records/records.ts'

/** An aborted transaction as the cleaner gets it (the partition's `.txnindex` entries). */
export interface CleanerAbortedTxn {
  readonly producerId: number
  readonly firstOffset: number
  readonly lastOffset: number
  readonly lastStableOffset: number
}

/** Where an active producer's last batch is (Kafka's LastRecord): kept so its state survives cleaning. */
export interface ProducerLastRecord {
  readonly producerId: number
  /** Last offset of its last data batch; -1 when the state holds no batch (its last write was a marker). */
  readonly lastDataOffset: number
  readonly producerEpoch: number
}

/**
 * Kafka's CleanedTransactionMetadata: what the cleaner knows of transactions while it walks batches in
 * offset order. A transactional batch of a producer whose aborted transaction (from the transaction index)
 * has begun is aborted: it is dropped and never enters the offset map. A COMMIT marker may go once no
 * batch of its transaction was seen in this pass; an ABORT marker once its transaction's batches are gone
 * (it is kept, with its index entry, while this pass still removes some). Markers that may go are deleted
 * only after delete.retention.ms (their batch gets a delete horizon first), as Kafka delays them.
 */
export class CleanedTransactionMetadata {
  /** Aborted transactions not begun yet, by first offset. */
  #pending: CleanerAbortedTxn[] = []
  readonly #added = new Set<number>()
  readonly #ongoingCommitted = new Set<number>()
  readonly #ongoingAborted = new Map<number, { txn: CleanerAbortedTxn; lastObservedBatchOffset: number }>()
  /** The aborted transactions whose ABORT marker this pass keeps: the cleaned segment's index entries. */
  readonly retainedAborted: CleanerAbortedTxn[] = []

  addAbortedTransactions(txns: readonly CleanerAbortedTxn[]): void {
    let added = false
    for (const t of txns) {
      // A marker's offset identifies its transaction.
      if (this.#added.has(t.lastOffset)) continue
      this.#added.add(t.lastOffset)
      this.#pending.push(t)
      added = true
    }
    if (added) this.#pending.sort((a, b) => a.firstOffset - b.firstOffset)
  }

  #consumeAbortedUpTo(offset: number): void {
    while (this.#pending.length > 0 && this.#pending[0]!.firstOffset <= offset) {
      const t = this.#pending.shift()!
      if (!this.#ongoingAborted.has(t.producerId))
        this.#ongoingAborted.set(t.producerId, { txn: t, lastObservedBatchOffset: -1 })
    }
  }

  /** A control batch: true when it may be discarded (Kafka's onControlBatchRead). */
  onControlBatchRead(buf: Buffer, pos: number): boolean {
    this.#consumeAbortedUpTo(batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos))
    // An empty control batch was cleaned already.
    if (batchRecordCount(buf, pos) === 0) return true
    const key = decodeRecordBatch(buf, pos, { verifyCrc: false }).records[0]?.key ?? null
    if (key === null || key.length < 4) return false
    const producerId = batchProducerId(buf, pos)
    switch (key.readInt16BE(2)) {
      case ControlRecordType.Abort: {
        const aborted = this.#ongoingAborted.get(producerId)
        this.#ongoingAborted.delete(producerId)
        if (aborted !== undefined && aborted.lastObservedBatchOffset >= 0) {
          this.retainedAborted.push(aborted.txn)
          return false
        }
        return true
      }
      case ControlRecordType.Commit:
        return !this.#ongoingCommitted.delete(producerId)
      default:
        return false
    }
  }

  /** A data batch: true when it belongs to an aborted transaction (Kafka's onBatchRead). */
  onBatchRead(buf: Buffer, pos: number): boolean {
    const lastOffset = batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos)
    this.#consumeAbortedUpTo(lastOffset)
    if (!batchIsTransactional(buf, pos)) return false
    const producerId = batchProducerId(buf, pos)
    const aborted = this.#ongoingAborted.get(producerId)
    if (aborted !== undefined) {
      aborted.lastObservedBatchOffset = lastOffset
      return true
    }
    this.#ongoingCommitted.add(producerId)
    return false
  }
}

/**
 * Kafka's isBatchLastRecordOfProducer: the batch holding an active producer's last data (its last
 * sequence), or, when its last write was a marker, the marker with its current epoch (needed for fencing),
 * stays even when emptied.
 */
export function isLastRecordOfProducer(
  buf: Buffer,
  pos: number,
  producers: ReadonlyMap<number, ProducerLastRecord>,
): boolean {
  const last = producers.get(batchProducerId(buf, pos))
  if (last === undefined) return false
  if (last.lastDataOffset >= 0)
    return batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos) === last.lastDataOffset
  return batchIsControl(buf, pos) && batchProducerEpoch(buf, pos) === last.producerEpoch
}
