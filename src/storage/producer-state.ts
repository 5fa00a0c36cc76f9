import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaProtocolError } from '../protocol/kafka-protocol-error.ts'
import {
  batchBaseOffset,
  batchBaseSequence,
  batchIsControl,
  batchIsTransactional,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchProducerEpoch,
  batchProducerId,
  batchRecordCount,
} from '../protocol/records/record-batch.ts'
import { ControlRecordType, decodeEndTxnMarkerValue, decodeRecordBatch } from '../protocol/records/records.ts'

/**
 * Per-partition state of idempotent and transactional producers (Kafka's ProducerStateManager,
 * ProducerStateEntry and ProducerAppendInfo): for each producer id its epoch, the metadata of its last
 * five batches (duplicate detection), the coordinator epoch of its last marker and the first offset of its
 * open transaction; per partition the open transactions (the first unstable offset) and the completed
 * ones above the high watermark. Everything here works on batch headers; only a control batch's single
 * record is decoded. Single-threaded (event loop).
 */

/** Where an append comes from: clients get every check, the coordinators only epoch checks, replication none. */
export const AppendOrigin = { Client: 'client', Coordinator: 'coordinator', Replication: 'replication' } as const
export type AppendOrigin = (typeof AppendOrigin)[keyof typeof AppendOrigin]

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: batches remembered per producer for duplicates. */
export const NUM_BATCHES_TO_RETAIN = 5
const NO_PRODUCER_EPOCH = -1
const NO_SEQUENCE = -1
const INT32_MAX = 2147483647

/** One remembered batch (Kafka's BatchMetadata). */
export interface BatchMetadata {
  readonly lastSeq: number
  readonly lastOffset: number
  readonly offsetDelta: number
  readonly timestamp: number
}

const firstSeqOf = (b: BatchMetadata): number => decrementSequence(b.lastSeq, b.offsetDelta)

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Integer.MAX_VALUE to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment
}

function decrementSequence(sequence: number, decrement: number): number {
  return sequence < decrement ? INT32_MAX - (decrement - sequence) + 1 : sequence - decrement
}

/** What a partition knows of one producer. */
export interface ProducerStateEntry {
  readonly producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  lastTimestamp: number
  /** First offset of the producer's open transaction; -1 when none. */
  currentTxnFirstOffset: number
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[]
}

export function emptyEntry(producerId: number): ProducerStateEntry {
  return {
    producerId,
    producerEpoch: NO_PRODUCER_EPOCH,
    coordinatorEpoch: -1,
    lastTimestamp: -1,
    currentTxnFirstOffset: -1,
    batches: [],
  }
}

export const lastSeqOf = (e: ProducerStateEntry): number => e.batches.at(-1)?.lastSeq ?? NO_SEQUENCE
export const lastDataOffsetOf = (e: ProducerStateEntry): number => e.batches.at(-1)?.lastOffset ?? -1

function addBatch(e: ProducerStateEntry, epoch: number, batch: BatchMetadata): void {
  maybeUpdateEpoch(e, epoch)
  if (e.batches.length === NUM_BATCHES_TO_RETAIN) e.batches.shift()
  e.batches.push(batch)
  e.lastTimestamp = batch.timestamp
}

function maybeUpdateEpoch(e: ProducerStateEntry, epoch: number): void {
  if (e.producerEpoch === epoch) return
  e.batches = []
  e.producerEpoch = epoch
}

/** A transaction of this partition: open until its marker (lastOffset -1), then complete. */
export interface TxnMetadata {
  readonly producerId: number
  readonly firstOffset: number
  lastOffset: number
}

/** A transaction whose marker was appended (Kafka's CompletedTxn). */
export interface CompletedTxn {
  readonly producerId: number
  readonly firstOffset: number
  /** The marker's offset. */
  readonly lastOffset: number
  readonly isAborted: boolean
}

/** The original offsets of a batch the producer sent again. */
export interface DuplicateBatch {
  readonly firstOffset: number
  readonly lastOffset: number
  readonly timestamp: number
}

/** The validated effect of one append on the producers, applied by `commit` once offsets are assigned. */
export interface ProducerAppendPlan {
  readonly entries: Map<number, ProducerStateEntry>
  readonly started: TxnMetadata[]
  readonly completed: CompletedTxn[]
  readonly lastOffset: number
  /** Producers that appended a transactional batch or marker: their verification state is done with. */
  readonly transactional: Set<number>
}

/**
 * Kafka's VerificationGuard (KIP-890): the identity of one check with the transaction coordinator that a
 * producer's first transactional write on this partition belongs to its ongoing transaction. The append
 * carries the guard it was verified with; a marker (or the transaction's first write) in between clears
 * the partition's guard, so a verification that raced with the end of the transaction cannot open a new
 * one the coordinator does not know of.
 */
export interface VerificationGuard {
  readonly producerId: number
}

/** Kafka's VerificationGuard.SENTINEL: no verification needed (the producer's transaction is open here). */
export const SENTINEL_GUARD: VerificationGuard = Object.freeze({ producerId: -1 })

/** Kafka's VerificationStateEntry. */
interface VerificationState {
  readonly guard: VerificationGuard
  readonly createdMs: number
  epoch: number
  lowestSequence: number
}

/** The marker of a control batch, or null for an emptied one (compaction) or a non-transaction type. */
export function endTxnMarkerOf(
  records: Buffer,
  pos: number,
): { aborted: boolean; coordinatorEpoch: number; timestamp: number } | null {
  if (batchRecordCount(records, pos) === 0) return null
  const batch = decodeRecordBatch(records, pos, { verifyCrc: false })
  const record = batch.records[0]
  if (record === undefined || record.key === null || record.key.length < 4) return null
  const type = record.key.readInt16BE(2)
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) return null
  const { coordinatorEpoch } = decodeEndTxnMarkerValue(record.value)
  return { aborted: type === ControlRecordType.Abort, coordinatorEpoch, timestamp: record.timestamp }
}

/** True when some batch at `positions` carries a producer id (the others skip producer state entirely). */
export function hasProducerBatch(records: Buffer, positions: readonly number[]): boolean {
  for (const pos of positions) if (batchProducerId(records, pos) >= 0) return true
  return false
}

function fail(code: number, message: string): never {
  throw new KafkaProtocolError(code, message)
}

/** Sorted (by first offset) list of transactions; small: one per concurrently open transaction. */
function insertByFirstOffset(list: TxnMetadata[], txn: TxnMetadata): void {
  let i = list.length
  while (i > 0 && list[i - 1]!.firstOffset > txn.firstOffset) i--
  list.splice(i, 0, txn)
}

export class ProducerStateManager {
  readonly topicPartition: string
  readonly #producers = new Map<number, ProducerStateEntry>()
  /** Open transactions by first offset (Kafka's ongoingTxns). */
  #ongoing: TxnMetadata[] = []
  /** Completed transactions whose marker is not yet below the high watermark (unreplicatedTxns). */
  #unreplicated: TxnMetadata[] = []
  /** Verifications started for a first transactional write (Kafka's verificationStates). */
  readonly #verifications = new Map<number, VerificationState>()
  /** One past the last offset reflected in the state (Kafka's lastMapOffset). */
  mapEndOffset: number
  /** Offset of the newest snapshot taken or loaded (lastSnapOffset). */
  lastSnapOffset: number

  constructor(topicPartition: string, mapEndOffset = 0) {
    this.topicPartition = topicPartition
    this.mapEndOffset = mapEndOffset
    this.lastSnapOffset = mapEndOffset
  }

  get producers(): ReadonlyMap<number, ProducerStateEntry> {
    return this.#producers
  }

  get isEmpty(): boolean {
    return this.#producers.size === 0 && this.#ongoing.length === 0 && this.#unreplicated.length === 0
  }

  /** Kafka's hasOngoingTransaction: the producer has a transaction open here, at this epoch. */
  hasOngoingTransaction(producerId: number, producerEpoch: number): boolean {
    const e = this.#producers.get(producerId)
    return e !== undefined && e.currentTxnFirstOffset >= 0 && e.producerEpoch === producerEpoch
  }

  /**
   * Kafka's maybeStartTransactionVerification: SENTINEL_GUARD when the producer's transaction is already
   * open here, else the guard of a verification (one per producer id, shared by concurrent requests;
   * it remembers the lowest sequence it was started for).
   */
  maybeStartTransactionVerification(
    producerId: number,
    sequence: number,
    producerEpoch: number,
    nowMs: number,
  ): VerificationGuard {
    if (this.hasOngoingTransaction(producerId, producerEpoch)) return SENTINEL_GUARD
    let v = this.#verifications.get(producerId)
    if (v === undefined) {
      v = { guard: { producerId }, createdMs: nowMs, epoch: producerEpoch, lowestSequence: sequence }
      this.#verifications.set(producerId, v)
    } else if (producerEpoch > v.epoch) {
      v.epoch = producerEpoch
      v.lowestSequence = sequence
    } else if (producerEpoch === v.epoch && sequence < v.lowestSequence) {
      v.lowestSequence = sequence
    }
    return v.guard
  }

  /**
   * Validates the producer batches at `positions` as they would be appended from `firstOffset` (null:
   * at the offsets they carry) and
   * returns the state change, or the original offsets when a client re-sent one of its last five
   * batches. Throws INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_TXN_STATE or
   * TRANSACTION_COORDINATOR_FENCED (never for replication). Changes nothing.
   *
   * `verification` (KIP-890, transaction.partition.verification.enable): null when not in force; else a
   * client's transactional batch that opens a transaction here must carry the guard this partition
   * holds for its producer (INVALID_TXN_STATE otherwise).
   */
  prepare(
    records: Buffer,
    positions: readonly number[],
    firstOffset: number | null,
    origin: AppendOrigin,
    verification: VerificationGuard | null = null,
  ): ProducerAppendPlan | DuplicateBatch {
    const plan: ProducerAppendPlan = {
      entries: new Map(),
      started: [],
      completed: [],
      lastOffset: -1,
      transactional: new Set(),
    }
    let base = firstOffset ?? 0
    for (const pos of positions) {
      // null: the batches carry their offsets (replication, recovery).
      if (firstOffset === null) base = batchBaseOffset(records, pos)
      const delta = batchLastOffsetDelta(records, pos)
      const producerId = batchProducerId(records, pos)
      ;(plan as { lastOffset: number }).lastOffset = base + delta
      if (producerId >= 0) {
        const current = this.#producers.get(producerId)
        if (origin === AppendOrigin.Client && current !== undefined && !batchIsControl(records, pos)) {
          const duplicate = findDuplicate(current, records, pos)
          if (duplicate !== null) return duplicate
        }
        let updated = plan.entries.get(producerId)
        if (updated === undefined) {
          const from = current ?? emptyEntry(producerId)
          updated = { ...from, batches: [] }
          plan.entries.set(producerId, updated)
        }
        if (verification !== null && origin !== AppendOrigin.Replication)
          this.#checkVerified(records, pos, base, current, verification)
        this.#appendBatch(records, pos, base, origin, current ?? emptyEntry(producerId), updated, plan)
        if (batchIsTransactional(records, pos)) plan.transactional.add(producerId)
      }
      base += delta + 1
    }
    return plan
  }

  #appendBatch(
    records: Buffer,
    pos: number,
    firstOffset: number,
    origin: AppendOrigin,
    current: ProducerStateEntry,
    updated: ProducerStateEntry,
    plan: ProducerAppendPlan,
  ): void {
    const epoch = batchProducerEpoch(records, pos)
    const lastOffset = firstOffset + batchLastOffsetDelta(records, pos)
    this.#checkEpoch(updated, epoch, firstOffset, origin)
    if (batchIsControl(records, pos)) {
      const marker = endTxnMarkerOf(records, pos)
      if (marker === null) return
      if (updated.coordinatorEpoch > marker.coordinatorEpoch && origin !== AppendOrigin.Replication) {
        fail(
          ErrorCode.TRANSACTION_COORDINATOR_FENCED,
          `Invalid coordinator epoch for producerId ${updated.producerId} at offset ${firstOffset} in partition ${this.topicPartition}: ${marker.coordinatorEpoch} (zombie), ${updated.coordinatorEpoch} (current)`,
        )
      }
      if (updated.currentTxnFirstOffset >= 0) {
        plan.completed.push({
          producerId: updated.producerId,
          firstOffset: updated.currentTxnFirstOffset,
          lastOffset: firstOffset,
          isAborted: marker.aborted,
        })
      }
      maybeUpdateEpoch(updated, epoch)
      updated.currentTxnFirstOffset = -1
      updated.coordinatorEpoch = marker.coordinatorEpoch
      updated.lastTimestamp = marker.timestamp
      return
    }
    const firstSeq = batchBaseSequence(records, pos)
    if (origin === AppendOrigin.Client) {
      const verifying = this.#verifications.get(updated.producerId)
      if (verifying !== undefined && firstSeq > verifying.lowestSequence) {
        fail(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Out of order sequence number for producer ${updated.producerId} at offset ${firstOffset} in partition ${this.topicPartition}: ${firstSeq} (incoming seq. number), ${verifying.lowestSequence} (earliest seen sequence)`,
        )
      }
      this.#checkSequence(current, updated, epoch, firstSeq, firstOffset)
    }
    const offsetDelta = lastOffset - firstOffset
    addBatch(updated, epoch, {
      lastSeq: incrementSequence(firstSeq, offsetDelta),
      lastOffset,
      offsetDelta,
      timestamp: batchMaxTimestamp(records, pos),
    })
    const transactional = batchIsTransactional(records, pos)
    if (updated.currentTxnFirstOffset >= 0 && !transactional) {
      fail(
        ErrorCode.INVALID_TXN_STATE,
        `Expected transactional write from producer ${updated.producerId} at offset ${firstOffset} in partition ${this.topicPartition}`,
      )
    } else if (updated.currentTxnFirstOffset < 0 && transactional) {
      updated.currentTxnFirstOffset = firstOffset
      plan.started.push({ producerId: updated.producerId, firstOffset, lastOffset: -1 })
    }
  }

  /** Kafka's batchMissingRequiredVerification, after the epoch check (a stale epoch is INVALID_PRODUCER_EPOCH). */
  #checkVerified(
    records: Buffer,
    pos: number,
    offset: number,
    current: ProducerStateEntry | undefined,
    verification: VerificationGuard,
  ): void {
    if (!batchIsTransactional(records, pos) || batchIsControl(records, pos)) return
    const producerId = batchProducerId(records, pos)
    const epoch = batchProducerEpoch(records, pos)
    if (this.hasOngoingTransaction(producerId, epoch)) return
    if (current !== undefined && epoch < current.producerEpoch) return
    const held = this.#verifications.get(producerId)?.guard
    if (verification !== SENTINEL_GUARD && held === verification) return
    fail(
      ErrorCode.INVALID_TXN_STATE,
      `Record was not part of an ongoing transaction (producer ${producerId} at offset ${offset} in partition ${this.topicPartition})`,
    )
  }

  #checkEpoch(updated: ProducerStateEntry, epoch: number, offset: number, origin: AppendOrigin): void {
    if (epoch >= updated.producerEpoch || origin === AppendOrigin.Replication) return
    fail(
      ErrorCode.INVALID_PRODUCER_EPOCH,
      `Epoch of producer ${updated.producerId} at offset ${offset} in ${this.topicPartition} is ${epoch}, which is smaller than the last seen epoch ${updated.producerEpoch}`,
    )
  }

  /** Kafka's ProducerAppendInfo.checkSequence. */
  #checkSequence(
    current: ProducerStateEntry,
    updated: ProducerStateEntry,
    epoch: number,
    firstSeq: number,
    offset: number,
  ): void {
    if (epoch !== updated.producerEpoch) {
      if (firstSeq !== 0 && updated.producerEpoch !== NO_PRODUCER_EPOCH) {
        fail(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch of producer ${updated.producerId} at offset ${offset} in partition ${this.topicPartition}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${updated.producerEpoch} (current producer epoch)`,
        )
      }
      return
    }
    let currentLastSeq = NO_SEQUENCE
    if (updated.batches.length > 0) currentLastSeq = lastSeqOf(updated)
    else if (epoch === current.producerEpoch) currentLastSeq = lastSeqOf(current)
    const inSequence = firstSeq === currentLastSeq + 1 || (firstSeq === 0 && currentLastSeq === INT32_MAX)
    // No epoch known (records deleted by retention or DeleteRecords, or the producer expired): any sequence
    // is accepted, as Kafka does since 2.5 (KIP-360), which never answers UNKNOWN_PRODUCER_ID any more.
    if (current.producerEpoch === NO_PRODUCER_EPOCH || inSequence) return
    fail(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `Out of order sequence number for producer ${updated.producerId} at offset ${offset} in partition ${this.topicPartition}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
    )
  }

  /**
   * Applies a prepared append (Kafka's update + completeTxn): returns the transactions it completed, each
   * with the last stable offset its index entry records.
   */
  commit(plan: ProducerAppendPlan): { txn: CompletedTxn; lastStableOffset: number }[] {
    for (const [producerId, next] of plan.entries) {
      const entry = this.#producers.get(producerId)
      if (entry === undefined) {
        this.#producers.set(producerId, next)
        continue
      }
      maybeUpdateEpoch(entry, next.producerEpoch)
      for (const b of next.batches) addBatch(entry, next.producerEpoch, b)
      entry.coordinatorEpoch = next.coordinatorEpoch
      entry.currentTxnFirstOffset = next.currentTxnFirstOffset
      entry.lastTimestamp = next.lastTimestamp
    }
    // Whether a marker or a first write: either the transaction ended or it is open here now.
    for (const producerId of plan.transactional) this.#verifications.delete(producerId)
    for (const txn of plan.started) insertByFirstOffset(this.#ongoing, txn)
    const out = plan.completed.map((txn) => {
      const lastStableOffset = this.#lastStableOffsetAfter(txn)
      this.#completeTxn(txn)
      return { txn, lastStableOffset }
    })
    if (plan.lastOffset + 1 > this.mapEndOffset) this.mapEndOffset = plan.lastOffset + 1
    return out
  }

  /** Kafka's lastStableOffset(completedTxn): the first open transaction of another producer, else past the marker. */
  #lastStableOffsetAfter(txn: CompletedTxn): number {
    const next = this.#ongoing.find((t) => t.producerId !== txn.producerId)
    return next?.firstOffset ?? txn.lastOffset + 1
  }

  #completeTxn(txn: CompletedTxn): void {
    const i = this.#ongoing.findIndex((t) => t.firstOffset === txn.firstOffset)
    if (i < 0) return
    const [meta] = this.#ongoing.splice(i, 1)
    meta!.lastOffset = txn.lastOffset
    insertByFirstOffset(this.#unreplicated, meta!)
  }

  /** An append without producer batches ended at `endOffset` (exclusive). */
  noteAppended(endOffset: number): void {
    if (endOffset > this.mapEndOffset) this.mapEndOffset = endOffset
  }

  /** Completed transactions whose marker the high watermark passed no longer hold the LSO back. */
  onHighWatermarkUpdated(highWatermark: number): void {
    if (this.#unreplicated.length === 0) return
    this.#unreplicated = this.#unreplicated.filter((t) => t.lastOffset >= highWatermark)
  }

  /** The first offset of the oldest transaction that is open or not yet committed; null when none. */
  firstUnstableOffset(): number | null {
    const a = this.#ongoing[0]?.firstOffset
    const b = this.#unreplicated[0]?.firstOffset
    if (a === undefined) return b ?? null
    return b === undefined ? a : Math.min(a, b)
  }

  /** The open transactions, oldest first (DescribeProducers, tests). */
  get ongoingTransactions(): readonly TxnMetadata[] {
    return this.#ongoing
  }

  /**
   * Kafka's removeExpiredProducers: producers without an open transaction whose last write is
   * producer.id.expiration.ms old are forgotten. Returns how many.
   */
  removeExpiredProducers(nowMs: number, producerIdExpirationMs: number): number {
    let removed = 0
    for (const [id, e] of this.#producers) {
      if (e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestamp >= producerIdExpirationMs) {
        this.#producers.delete(id)
        removed++
      }
    }
    for (const [id, v] of this.#verifications)
      if (nowMs - v.createdMs >= producerIdExpirationMs) this.#verifications.delete(id)
    return removed
  }

  /** Loads entries (a snapshot at `offset`): their open transactions become ongoing. */
  load(entries: readonly ProducerStateEntry[], offset: number): void {
    this.truncateFullyAndStartAt(offset)
    for (const e of entries) {
      this.#producers.set(e.producerId, e)
      if (e.currentTxnFirstOffset >= 0)
        insertByFirstOffset(this.#ongoing, {
          producerId: e.producerId,
          firstOffset: e.currentTxnFirstOffset,
          lastOffset: -1,
        })
    }
    this.lastSnapOffset = offset
  }

  /** Forgets everything; the state is now that of an empty log ending at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    this.#producers.clear()
    this.#verifications.clear()
    this.#ongoing = []
    this.#unreplicated = []
    this.mapEndOffset = offset
    this.lastSnapOffset = offset
  }

  /** The log start offset moved: transactions wholly below it are gone (onLogStartOffsetIncremented). */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.#unreplicated = this.#unreplicated.filter((t) => t.lastOffset >= logStartOffset)
    if (this.mapEndOffset < logStartOffset) this.mapEndOffset = logStartOffset
  }
}

/** Kafka's ProducerStateEntry.findDuplicateBatch: same epoch and the same sequence range as a recent batch. */
function findDuplicate(entry: ProducerStateEntry, records: Buffer, pos: number): DuplicateBatch | null {
  if (batchProducerEpoch(records, pos) !== entry.producerEpoch) return null
  const firstSeq = batchBaseSequence(records, pos)
  const lastSeq = incrementSequence(firstSeq, batchLastOffsetDelta(records, pos))
  for (const b of entry.batches) {
    if (firstSeqOf(b) === firstSeq && b.lastSeq === lastSeq) {
      return { firstOffset: b.lastOffset - b.offsetDelta, lastOffset: b.lastOffset, timestamp: b.timestamp }
    }
  }
  return null
}
