import type { Logger } from '../../common/log.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { CoordinatorResult, CoordinatorShard } from '../runtime/coordinator-shard.ts'
import type { TransactionMetadata, TxnRecord, TxnTopicPartition } from './records/txn-records.ts'
import {
  isEpochExhausted,
  isValidProducerId,
  newTransactionMetadata,
  prepareAbortOrCommit,
  prepareAddPartitions,
  prepareComplete,
  prepareDead,
  prepareFenceProducerEpoch,
  prepareIncrementProducerEpoch,
  prepareProducerIdRotation,
} from './transaction-metadata.ts'
import { isExpirationAllowed, TransactionState } from './txn-state.ts'

/** Tombstones written by one expiration pass at most (one batch). */
export const EXPIRED_IDS_PER_WRITE_MAX = 1000

export interface InitProducerIdResult {
  readonly errorCode: number
  readonly producerId: number
  readonly producerEpoch: number
  /** A new producer id is needed first (new transactional id, or its epochs are used up). */
  readonly needsProducerId: boolean
  /** An open transaction was fenced: the abort whose markers must now be written. */
  readonly prepared: TransactionMetadata | null
}

export interface EndTxnResult {
  readonly errorCode: number
  /** The PrepareCommit/PrepareAbort state written: its markers must now be written. */
  readonly prepared: TransactionMetadata | null
}

export interface TimedOutTransaction {
  readonly transactionalId: string
  readonly producerId: number
  readonly producerEpoch: number
}

type Result<T> = CoordinatorResult<T, TxnRecord>

const write = <T>(metadata: TransactionMetadata, response: T): Result<T> => ({
  records: [{ transactionalId: metadata.transactionalId, metadata }],
  response,
  replayRecords: true,
})
const answer = <T>(response: T): Result<T> => ({ records: [], response, replayRecords: true })

function initError(errorCode: number): InitProducerIdResult {
  return { errorCode, producerId: -1, producerEpoch: -1, needsProducerId: false, prepared: null }
}

const isPrepare = (s: TransactionState): boolean =>
  s === TransactionState.PrepareCommit || s === TransactionState.PrepareAbort

/**
 * The transactional ids of one `__transaction_state` partition (Kafka's TransactionStateManager cache for
 * one partition plus TransactionCoordinator's checks). Operations return the metadata to write and the
 * answer; the state changes only when the runtime replays the record after the write.
 */
export class TxnCoordinatorShard implements CoordinatorShard<TxnRecord> {
  readonly partition: number
  readonly #log: Logger
  readonly #txns = new Map<string, TransactionMetadata>()
  readonly #onLoaded: (pending: TransactionMetadata[]) => void

  constructor(partition: number, logger: Logger, onLoaded: (pending: TransactionMetadata[]) => void) {
    this.partition = partition
    this.#log = logger
    this.#onLoaded = onLoaded
  }

  replay(_offset: number, _producerId: number, record: TxnRecord): void {
    if (record.metadata === null || record.metadata.state === TransactionState.Dead)
      this.#txns.delete(record.transactionalId)
    else this.#txns.set(record.transactionalId, record.metadata)
  }

  replayEndTransaction(): void {
    // `__transaction_state` holds no transactional records.
  }

  /** Loaded: transactions caught between Prepare* and Complete* get their markers written again. */
  onLoaded(): void {
    this.#onLoaded([...this.#txns.values()].filter((m) => isPrepare(m.state)))
  }

  onUnloaded(): void {}

  get(transactionalId: string): TransactionMetadata | undefined {
    return this.#txns.get(transactionalId)
  }

  all(): IterableIterator<TransactionMetadata> {
    return this.#txns.values()
  }

  /** Kafka's handleInitProducerId for a transactional id (prepareInitProducerIdTransit). */
  initProducerId(
    transactionalId: string,
    txnTimeoutMs: number,
    expected: { producerId: number; producerEpoch: number } | null,
    newProducerId: number | null,
    nowMs: number,
  ): Result<InitProducerIdResult> {
    const needId = answer<InitProducerIdResult>({ ...initError(ErrorCode.NONE), needsProducerId: true })
    let m = this.#txns.get(transactionalId)
    if (m === undefined) {
      if (newProducerId === null) return needId
      m = newTransactionMetadata(transactionalId, newProducerId, txnTimeoutMs, nowMs)
    }
    if (expected !== null && !isValidProducerId(m, expected.producerId, expected.producerEpoch))
      return answer(initError(ErrorCode.PRODUCER_FENCED))
    switch (m.state) {
      case TransactionState.PrepareAbort:
      case TransactionState.PrepareCommit:
        return answer(initError(ErrorCode.CONCURRENT_TRANSACTIONS))
      case TransactionState.Empty:
      case TransactionState.CompleteAbort:
      case TransactionState.CompleteCommit: {
        let next: TransactionMetadata
        if (isEpochExhausted(m.producerEpoch) && (expected === null || expected.producerEpoch === m.producerEpoch)) {
          if (newProducerId === null || newProducerId === m.producerId) return needId
          next = prepareProducerIdRotation(m, newProducerId, txnTimeoutMs, nowMs, expected !== null)
        } else {
          const bumped = prepareIncrementProducerEpoch(m, txnTimeoutMs, expected?.producerEpoch ?? null, nowMs)
          if ('errorCode' in bumped) return answer(initError(bumped.errorCode))
          next = bumped
        }
        return write(next, {
          errorCode: ErrorCode.NONE,
          producerId: next.producerId,
          producerEpoch: next.producerEpoch,
          needsProducerId: false,
          prepared: null,
        })
      }
      case TransactionState.Ongoing: {
        // Abort the open transaction with a bumped epoch (fencing the old producer); the client retries.
        const aborting = prepareAbortOrCommit(prepareFenceProducerEpoch(m), TransactionState.PrepareAbort, nowMs)
        this.#log.info(
          { transactionalId, producerId: m.producerId, producerEpoch: aborting.producerEpoch },
          'fencing the open transaction of a re-initialized producer',
        )
        return write(aborting, { ...initError(ErrorCode.CONCURRENT_TRANSACTIONS), prepared: aborting })
      }
      default:
        throw new Error(`Found transactionalId ${transactionalId} with state ${m.state}`)
    }
  }

  /** Kafka's handleAddPartitionsToTransaction. */
  addPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly TxnTopicPartition[],
    nowMs: number,
  ): Result<number> {
    const m = this.#txns.get(transactionalId)
    if (m === undefined || m.producerId !== producerId) return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    if (m.producerEpoch !== producerEpoch) return answer(ErrorCode.PRODUCER_FENCED)
    if (isPrepare(m.state)) return answer(ErrorCode.CONCURRENT_TRANSACTIONS)
    if (m.state === TransactionState.Ongoing && partitions.every((p) => hasPartition(m, p)))
      return answer(ErrorCode.NONE)
    return write(prepareAddPartitions(m, partitions, nowMs), ErrorCode.NONE)
  }

  /** Kafka's handleVerifyPartitionsInTransaction (AddPartitionsToTxn v4+ verify_only): no write. */
  verifyPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly TxnTopicPartition[],
  ): number[] {
    const m = this.#txns.get(transactionalId)
    let code: number = ErrorCode.NONE
    if (m === undefined || m.producerId !== producerId) code = ErrorCode.INVALID_PRODUCER_ID_MAPPING
    else if (m.producerEpoch !== producerEpoch) code = ErrorCode.PRODUCER_FENCED
    else if (isPrepare(m.state)) code = ErrorCode.CONCURRENT_TRANSACTIONS
    if (code !== ErrorCode.NONE || m === undefined) return partitions.map(() => code)
    return partitions.map((p) => (hasPartition(m, p) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE))
  }

  /** Kafka's handleEndTransaction from a client (EndTxn). */
  endTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    nowMs: number,
  ): Result<EndTxnResult> {
    const fail = (errorCode: number) => answer<EndTxnResult>({ errorCode, prepared: null })
    const m = this.#txns.get(transactionalId)
    if (m === undefined || m.producerId !== producerId) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    if (producerEpoch !== m.producerEpoch) return fail(ErrorCode.PRODUCER_FENCED)
    const invalid = (): Result<EndTxnResult> => {
      this.#log.debug({ transactionalId, state: m.state, commit }, 'invalid transaction state for EndTxn')
      return fail(ErrorCode.INVALID_TXN_STATE)
    }
    switch (m.state) {
      case TransactionState.Ongoing: {
        const prepared = prepareAbortOrCommit(
          m,
          commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort,
          nowMs,
        )
        return write(prepared, { errorCode: ErrorCode.NONE, prepared })
      }
      case TransactionState.CompleteCommit:
        return commit ? fail(ErrorCode.NONE) : invalid()
      case TransactionState.CompleteAbort:
        return commit ? invalid() : fail(ErrorCode.NONE)
      case TransactionState.PrepareCommit:
        return commit ? fail(ErrorCode.CONCURRENT_TRANSACTIONS) : invalid()
      case TransactionState.PrepareAbort:
        return commit ? invalid() : fail(ErrorCode.CONCURRENT_TRANSACTIONS)
      default:
        return invalid()
    }
  }

  /** The open transactions older than their timeout (Kafka's timedOutTransactions). */
  timedOutTransactions(nowMs: number): TimedOutTransaction[] {
    const out: TimedOutTransaction[] = []
    for (const m of this.#txns.values()) {
      if (m.state === TransactionState.Ongoing && m.txnStartTimestamp + m.txnTimeoutMs < nowMs)
        out.push({ transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch })
    }
    return out
  }

  /** Aborts a timed-out transaction with a bumped epoch (fencing its producer), unless it moved on. */
  abortTimedOut(t: TimedOutTransaction, nowMs: number): Result<EndTxnResult> {
    const m = this.#txns.get(t.transactionalId)
    if (
      m === undefined ||
      m.producerId !== t.producerId ||
      m.producerEpoch !== t.producerEpoch ||
      m.state !== TransactionState.Ongoing
    )
      return answer({ errorCode: ErrorCode.NONE, prepared: null })
    const prepared = prepareAbortOrCommit(prepareFenceProducerEpoch(m), TransactionState.PrepareAbort, nowMs)
    this.#log.info(
      { transactionalId: m.transactionalId, producerId: m.producerId, timeoutMs: m.txnTimeoutMs },
      'aborting a timed-out transaction',
    )
    return write(prepared, { errorCode: ErrorCode.NONE, prepared })
  }

  /** Every marker of `prepared` is written: CompleteCommit/CompleteAbort (no-op when the id moved on). */
  completeTransaction(prepared: TransactionMetadata, nowMs: number): Result<boolean> {
    const m = this.#txns.get(prepared.transactionalId)
    if (
      m === undefined ||
      m.producerId !== prepared.producerId ||
      m.producerEpoch !== prepared.producerEpoch ||
      m.state !== prepared.state
    ) {
      this.#log.warn(
        { transactionalId: prepared.transactionalId, state: m?.state },
        'transaction changed while its markers were written; not completing it',
      )
      return answer(false)
    }
    return write(prepareComplete(m, nowMs), true)
  }

  /** Tombstones for ids idle longer than transactional.id.expiration.ms (Kafka's removeExpiredTransactionalIds). */
  expireTransactionalIds(nowMs: number, expirationMs: number): Result<number> {
    const records: TxnRecord[] = []
    for (const m of this.#txns.values()) {
      if (records.length >= EXPIRED_IDS_PER_WRITE_MAX) break
      if (!isExpirationAllowed(m.state) || m.txnLastUpdateTimestamp > nowMs - expirationMs) continue
      prepareDead(m)
      records.push({ transactionalId: m.transactionalId, metadata: null })
    }
    if (records.length > 0) this.#log.info({ expired: records.length }, 'expiring transactional ids')
    return { records, response: records.length, replayRecords: true }
  }
}

function hasPartition(m: TransactionMetadata, p: TxnTopicPartition): boolean {
  return m.partitions.some((q) => q.topic === p.topic && q.partition === p.partition)
}
