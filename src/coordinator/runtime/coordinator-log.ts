import type { Scheduler } from '../../common/scheduler.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import type { Partition } from '../../replication/partition.ts'
import { AppendOrigin } from '../../storage/producer-state.ts'

/**
 * The partition of a coordinator topic as a coordinator sees it: read the log to load, append batches
 * as leader. The runtime never touches replication directly, so tests drive it with an in-memory log.
 */
export interface CoordinatorLog {
  readonly isLeader: boolean
  readonly leaderEpoch: number
  readonly logStartOffset: number
  readonly logEndOffset: number
  /** Whole record batches starting with the one holding `offset`, at most `maxBytes` (one batch at least). */
  read(offset: number, maxBytes: number): Promise<Buffer>
  /**
   * Appends one batch as leader with acks=all semantics: resolves with the last offset once the high
   * watermark passed it. Rejects with a KafkaProtocolError (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS,
   * REQUEST_TIMED_OUT...) when the write failed or did not commit in time.
   */
  append(batch: Buffer): Promise<number>
}

/** A CoordinatorLog over a replicated partition led by this broker. */
export class PartitionCoordinatorLog implements CoordinatorLog {
  readonly #partition: Partition
  readonly #scheduler: Scheduler
  readonly #commitTimeoutMs: number

  constructor(partition: Partition, scheduler: Scheduler, commitTimeoutMs: number) {
    this.#partition = partition
    this.#scheduler = scheduler
    this.#commitTimeoutMs = commitTimeoutMs
  }

  get isLeader(): boolean {
    return this.#partition.isLeader
  }

  get leaderEpoch(): number {
    return this.#partition.leaderEpoch
  }

  get logStartOffset(): number {
    return this.#partition.logStartOffset
  }

  get logEndOffset(): number {
    return this.#partition.logEndOffset
  }

  async read(offset: number, maxBytes: number): Promise<Buffer> {
    const log = this.#partition.log
    const r = await log.read(offset, maxBytes, log.logEndOffset, true)
    return r.records
  }

  async append(batch: Buffer): Promise<number> {
    const info = await this.#partition.appendRecordsToLeader(batch, -1, AppendOrigin.Coordinator)
    await this.#awaitCommit(info.lastOffset + 1)
    return info.lastOffset
  }

  #awaitCommit(target: number): Promise<void> {
    const partition = this.#partition
    if (partition.highWatermark >= target) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const finish = (err: Error | null): void => {
        timer.cancel()
        unsubscribe()
        if (err === null) resolve()
        else reject(err)
      }
      const timer = this.#scheduler.schedule(this.#commitTimeoutMs, () =>
        finish(new KafkaProtocolError(ErrorCode.REQUEST_TIMED_OUT)),
      )
      const unsubscribe = partition.onHighWatermark(() => {
        if (!partition.isLeader) finish(new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER))
        else if (partition.highWatermark >= target) finish(null)
      })
    })
  }
}
