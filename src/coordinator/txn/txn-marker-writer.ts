import type { Logger } from '../../common/log.ts'
import type { Scheduler } from '../../common/scheduler.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/generated/write-txn-markers.ts'
import { partitionsByTopic, type TransactionMetadata, type TxnTopicPartition } from './records/txn-records.ts'
import { TransactionState } from './txn-state.ts'

/** Sends a WriteTxnMarkers request to the leader `nodeId` (in process for this broker, as a remote one would be served). */
export type WriteTxnMarkersSender = (
  nodeId: number,
  request: WriteTxnMarkersRequest,
) => Promise<WriteTxnMarkersResponse>

/** The markers of one transaction to write: it is in PrepareCommit or PrepareAbort. */
export interface MarkerJob {
  /** The `__transaction_state` partition of the transactional id. */
  readonly txnPartition: number
  readonly coordinatorEpoch: number
  readonly prepared: TransactionMetadata
}

export interface TxnMarkerWriterOptions {
  readonly scheduler: Scheduler
  readonly logger: Logger
  readonly send: WriteTxnMarkersSender
  /** The leader of a partition: its node id, -1 while it has none, null when the partition does not exist. */
  readonly leaderOf: (topic: string, partition: number) => number | null
  readonly retryBackoffMs: number
  /** Every marker is written (or its partition is gone): write CompleteCommit/CompleteAbort. */
  readonly onComplete: (job: MarkerJob) => Promise<void>
}

/**
 * Kafka's TransactionMarkerRequestCompletionHandler: errors after which a marker is sent again (to the
 * partition's leader as it is then: a partition whose topic was deleted meanwhile has none and is
 * dropped), and errors after which a partition needs no marker (the producer could not have written to
 * it). INVALID_PRODUCER_EPOCH and TRANSACTION_COORDINATOR_FENCED end the job without completing the
 * transaction (a newer epoch owns it). Any other error is an illegal state: the job stops, the
 * transaction stays in PrepareCommit/PrepareAbort and its markers are written again when the
 * `__transaction_state` partition is loaded next (Kafka throws IllegalStateException there and leaves
 * the transaction pending just the same).
 */
const RETRIABLE: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.KAFKA_STORAGE_ERROR,
])
const NOT_NEEDED: ReadonlySet<number> = new Set([
  ErrorCode.NONE,
  ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  ErrorCode.UNSUPPORTED_VERSION,
])
const FENCED: ReadonlySet<number> = new Set([
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.TRANSACTION_COORDINATOR_FENCED,
])

const key = (tp: TxnTopicPartition): string => `${tp.topic}\u0000${tp.partition}`

/**
 * Writes the COMMIT or ABORT markers of prepared transactions to every partition they touched (Kafka's
 * TransactionMarkerChannelManager): one WriteTxnMarkers request per partition leader, retried after a
 * pause for partitions whose leader is unknown or busy, dropped for partitions that no longer exist, given
 * up when a partition says the producer or this coordinator was fenced or answers an error Kafka treats
 * as an illegal state (see RETRIABLE). Then the coordinator completes the transaction. Jobs of a
 * `__transaction_state` partition stop when it is unloaded.
 */
export class TxnMarkerWriter {
  readonly #o: TxnMarkerWriterOptions
  readonly #log: Logger
  /** Jobs in progress by transactional id: at most one per id (its state is Prepare* until it completes). */
  readonly #jobs = new Map<string, { job: MarkerJob; cancelled: boolean }>()

  constructor(o: TxnMarkerWriterOptions) {
    this.#o = o
    this.#log = o.logger
  }

  get pendingJobs(): number {
    return this.#jobs.size
  }

  write(job: MarkerJob): void {
    const existing = this.#jobs.get(job.prepared.transactionalId)
    if (existing !== undefined) existing.cancelled = true
    const entry = { job, cancelled: false }
    this.#jobs.set(job.prepared.transactionalId, entry)
    this.#run(entry)
      .catch((err: unknown) =>
        this.#log.error({ err, transactionalId: job.prepared.transactionalId }, 'marker job failed'),
      )
      .finally(() => {
        if (this.#jobs.get(job.prepared.transactionalId) === entry) this.#jobs.delete(job.prepared.transactionalId)
      })
  }

  /** Stops the jobs of a `__transaction_state` partition this broker no longer leads. */
  cancelPartition(txnPartition: number): void {
    for (const e of this.#jobs.values()) if (e.job.txnPartition === txnPartition) e.cancelled = true
  }

  cancelAll(): void {
    for (const e of this.#jobs.values()) e.cancelled = true
  }

  async #run(entry: { job: MarkerJob; cancelled: boolean }): Promise<void> {
    const { job } = entry
    const pending = new Map(job.prepared.partitions.map((tp) => [key(tp), tp]))
    while (pending.size > 0 && !entry.cancelled) {
      const byLeader = new Map<number, TxnTopicPartition[]>()
      for (const [k, tp] of pending) {
        const leader = this.#o.leaderOf(tp.topic, tp.partition)
        if (leader === null) {
          this.#log.info({ topic: tp.topic, partition: tp.partition }, 'skipping the marker of a deleted partition')
          pending.delete(k)
        } else if (leader >= 0) {
          byLeader.set(leader, [...(byLeader.get(leader) ?? []), tp])
        }
      }
      const sends = [...byLeader].map(([nodeId, partitions]) => this.#send(job, nodeId, partitions, pending, entry))
      await Promise.all(sends)
      if (pending.size > 0 && !entry.cancelled) await this.#pause()
    }
    if (!entry.cancelled) await this.#o.onComplete(job)
  }

  async #send(
    job: MarkerJob,
    nodeId: number,
    partitions: TxnTopicPartition[],
    pending: Map<string, TxnTopicPartition>,
    entry: { cancelled: boolean },
  ): Promise<void> {
    const m = job.prepared
    const request: WriteTxnMarkersRequest = {
      markers: [
        {
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          transactionResult: m.state === TransactionState.PrepareCommit,
          topics: partitionsByTopic(partitions).map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
          coordinatorEpoch: job.coordinatorEpoch,
        },
      ],
    }
    let response: WriteTxnMarkersResponse
    try {
      response = await this.#o.send(nodeId, request)
    } catch (err) {
      this.#log.warn(
        { err, nodeId, transactionalId: m.transactionalId },
        'writing transaction markers failed; retrying',
      )
      return
    }
    for (const marker of response.markers) {
      for (const t of marker.topics) {
        for (const p of t.partitions) {
          const tp = { topic: t.name, partition: p.partitionIndex }
          if (NOT_NEEDED.has(p.errorCode)) {
            pending.delete(key(tp))
          } else if (FENCED.has(p.errorCode)) {
            this.#log.info(
              { ...tp, errorCode: p.errorCode, transactionalId: m.transactionalId },
              'marker fenced; giving up on the transaction',
            )
            entry.cancelled = true
          } else if (!RETRIABLE.has(p.errorCode)) {
            this.#log.error(
              { ...tp, errorCode: p.errorCode, transactionalId: m.transactionalId },
              'unexpected error writing a transaction marker; the transaction stays pending until the coordinator reloads',
            )
            entry.cancelled = true
          }
        }
      }
    }
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => this.#o.scheduler.schedule(this.#o.retryBackoffMs, resolve))
  }
}
