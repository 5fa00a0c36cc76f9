import type { Logger } from '../common/log.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaProtocolError } from '../protocol/kafka-protocol-error.ts'
import type { AppendInfo, PartitionLog } from '../storage/partition-log.ts'
import { AppendOrigin, type VerificationGuard } from '../storage/producer-state.ts'

/** Called after the high watermark moved, with the bytes appended since the last call. */
export type HighWatermarkListener = (appendedBytes: number) => void

export const IsolationLevel = { ReadUncommitted: 0, ReadCommitted: 1 } as const
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel]

/**
 * One partition replica on this broker: its log, whether this broker leads it and in which leader
 * epoch, and the high watermark (the offset below which records are committed and visible to
 * consumers). With this broker as the only in-sync replica, the high watermark follows each completed
 * write; followers will move it by their fetch positions once replication lands.
 */
export class Partition {
  readonly topic: string
  readonly partitionIndex: number
  readonly topicId: string
  readonly log: PartitionLog
  readonly #logger: Logger
  #leaderEpoch = -1
  #isLeader = false
  #isr: readonly number[] = []
  #highWatermark: number
  #pendingBytes = 0
  readonly #listeners = new Set<HighWatermarkListener>()

  constructor(topic: string, partitionIndex: number, topicId: string, log: PartitionLog, logger: Logger) {
    this.topic = topic
    this.partitionIndex = partitionIndex
    this.topicId = topicId
    this.log = log
    this.#logger = logger
    this.#highWatermark = Math.min(Math.max(log.highWatermark, log.logStartOffset), log.logEndOffset)
  }

  get leaderEpoch(): number {
    return this.#leaderEpoch
  }

  get isLeader(): boolean {
    return this.#isLeader
  }

  get isr(): readonly number[] {
    return this.#isr
  }

  get highWatermark(): number {
    return this.#highWatermark
  }

  /**
   * Last stable offset (Kafka's UnifiedLog.lastStableOffset): the first offset of a transaction that is
   * still open or whose marker is not yet below the high watermark, when that is below the high
   * watermark; else the high watermark. read_committed consumers read up to it.
   */
  get lastStableOffset(): number {
    const first = this.log.firstUnstableOffset
    return first !== null && first < this.#highWatermark ? first : this.#highWatermark
  }

  get logStartOffset(): number {
    return this.log.logStartOffset
  }

  get logEndOffset(): number {
    return this.log.logEndOffset
  }

  makeLeader(leaderEpoch: number, isr: readonly number[]): void {
    const changed = !this.#isLeader || leaderEpoch !== this.#leaderEpoch
    this.#isLeader = true
    this.#leaderEpoch = leaderEpoch
    this.#isr = isr
    // Everything in a sole replica's log is committed.
    if (isr.length <= 1) this.#advanceHighWatermark(this.log.logEndOffset)
    if (changed) this.#logger.info({ topic: this.topic, partition: this.partitionIndex, leaderEpoch }, 'became leader')
  }

  makeFollower(leaderEpoch: number): void {
    this.#isLeader = false
    this.#leaderEpoch = leaderEpoch
  }

  /**
   * Appends producer batches as leader. acks=all requires min.insync.replicas in-sync replicas first
   * (NOT_ENOUGH_REPLICAS otherwise); with this broker the only in-sync replica, the write is committed
   * as soon as it reaches the log, so acks=1 and acks=all answer at the same point.
   */
  async appendRecordsToLeader(
    records: Buffer,
    requiredAcks: number,
    origin: AppendOrigin = AppendOrigin.Client,
    verification: VerificationGuard | null = null,
  ): Promise<AppendInfo> {
    if (!this.#isLeader) throw new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    if (requiredAcks === -1 && this.#isr.length < this.log.config.minInsyncReplicas) {
      throw new KafkaProtocolError(
        ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR ${this.#isr.length} is insufficient to satisfy the min.isr requirement of ${this.log.config.minInsyncReplicas}`,
      )
    }
    const info = await this.log.appendAsLeader(records, this.#leaderEpoch, origin, verification)
    this.#pendingBytes += records.length
    if (this.#isr.length <= 1) this.#advanceHighWatermark(info.lastOffset + 1)
    return info
  }

  #advanceHighWatermark(offset: number): void {
    if (offset <= this.#highWatermark) return
    this.#highWatermark = offset
    this.log.setHighWatermark(offset)
    const bytes = this.#pendingBytes
    this.#pendingBytes = 0
    for (const l of this.#listeners) l(bytes)
  }

  /** Checks a client's leader epoch (KIP-320): older → FENCED_LEADER_EPOCH, newer → UNKNOWN_LEADER_EPOCH. */
  checkLeaderEpoch(currentLeaderEpoch: number): void {
    if (currentLeaderEpoch < 0) return
    if (currentLeaderEpoch < this.#leaderEpoch) throw new KafkaProtocolError(ErrorCode.FENCED_LEADER_EPOCH)
    if (currentLeaderEpoch > this.#leaderEpoch) throw new KafkaProtocolError(ErrorCode.UNKNOWN_LEADER_EPOCH)
  }

  /** The exclusive upper bound of what a consumer with this isolation level may read. */
  fetchableOffset(isolation: IsolationLevel): number {
    return isolation === IsolationLevel.ReadCommitted ? this.lastStableOffset : this.#highWatermark
  }

  onHighWatermark(listener: HighWatermarkListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Wakes every waiter (leadership lost, partition deleted) so long polls answer now. */
  wakeWaiters(): void {
    for (const l of this.#listeners) l(Number.MAX_SAFE_INTEGER)
  }
}
