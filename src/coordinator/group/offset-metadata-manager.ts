import type { Clock } from '../../common/clock.ts'
import type { Logger } from '../../common/log.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type {
  OffsetCommitRequest,
  OffsetCommitResponseOffsetCommitResponseTopic,
} from '../../protocol/generated/offset-commit.ts'
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/generated/offset-delete.ts'
import type {
  OffsetFetchResponseOffsetFetchResponseGroup,
  OffsetFetchResponseOffsetFetchResponsePartitions,
  OffsetFetchResponseOffsetFetchResponseTopics,
} from '../../protocol/generated/offset-fetch.ts'
import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponseTxnOffsetCommitResponseTopic,
} from '../../protocol/generated/txn-offset-commit.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import type { GroupResult } from './classic-context.ts'
import type { Group } from './group.ts'
import type { GroupCoordinatorConfig } from './group-coordinator-config.ts'
import { OffsetStore } from './offset-store.ts'
import type { GroupCoordinatorRecord, RecordOf } from './records/group-coordinator-record.ts'
import { newOffsetCommitRecord, newOffsetCommitTombstone, type OffsetAndMetadata } from './records/group-records.ts'

/** The groups as offset management sees them. */
export interface OffsetGroups {
  group(groupId: string): Group | undefined
  /** Offsets replayed for a group that does not exist create a "simple" (protocol-less) classic group. */
  ensureSimpleGroup(groupId: string): void
  /** A member committed: in the classic protocol this keeps its session alive. */
  onMemberCommit(group: Group, memberId: string): void
}

export interface TopicPartitions {
  readonly name: string
  readonly partitionIndexes: readonly number[]
}

const NO_RETENTION = -1
const NO_TIMESTAMP = -1

function partitionAnswer(
  partitionIndex: number,
  o: OffsetAndMetadata | undefined,
  errorCode: number = ErrorCode.NONE,
): OffsetFetchResponseOffsetFetchResponsePartitions {
  const answer: OffsetFetchResponseOffsetFetchResponsePartitions = {
    partitionIndex,
    committedOffset: o?.committedOffset ?? -1,
    committedLeaderEpoch: o?.leaderEpoch ?? -1,
    metadata: o?.metadata ?? '',
    errorCode,
  }
  if (errorCode !== ErrorCode.NONE) answer.committedOffset = -1
  return answer
}

/**
 * Committed offsets of one `__consumer_offsets` partition (Kafka's OffsetMetadataManager): commit with
 * the group's generation checks, fetch (uncommitted = offset -1, metadata "", epoch -1), delete, and
 * expiry of the offsets of empty groups. Offsets change only by replaying records, i.e. after the write.
 */
export class OffsetMetadataManager {
  readonly #config: GroupCoordinatorConfig
  readonly #clock: Clock
  readonly #groups: OffsetGroups
  readonly #log: Logger
  readonly #offsets = new OffsetStore()
  /** Offsets of open transactions by producer id, materialized by a commit marker. */
  readonly #pending = new Map<number, OffsetStore>()
  readonly #openTransactionsByGroup = new Map<string, Set<number>>()

  constructor(config: GroupCoordinatorConfig, clock: Clock, groups: OffsetGroups, logger: Logger) {
    this.#config = config
    this.#clock = clock
    this.#groups = groups
    this.#log = logger
  }

  offset(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.#offsets.get(groupId, topic, partition)
  }

  hasOffsets(groupId: string): boolean {
    return this.#offsets.group(groupId) !== undefined
  }

  #validateCommit(request: OffsetCommitRequest, apiVersion: number): Group | undefined {
    const group = this.#groups.group(request.groupId)
    if (group === undefined) {
      // No group: generation -1 commits (admin, manual assignment) create a simple group on replay.
      if (request.generationIdOrMemberEpoch < 0) return undefined
      throw new KafkaProtocolError(apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION)
    }
    group.validateOffsetCommit(
      request.memberId,
      request.groupInstanceId,
      request.generationIdOrMemberEpoch,
      false,
      apiVersion,
    )
    return group
  }

  /** OffsetCommit for partitions of existing topics; a group or member error throws and writes nothing. */
  commitOffset(
    request: OffsetCommitRequest,
    apiVersion: number,
  ): GroupResult<OffsetCommitResponseOffsetCommitResponseTopic[]> {
    const group = this.#validateCommit(request, apiVersion)
    if (group !== undefined) this.#groups.onMemberCommit(group, request.memberId)
    const nowMs = this.#clock.nowMs()
    const expireTimestampMs = request.retentionTimeMs === NO_RETENTION ? null : nowMs + request.retentionTimeMs
    const records: GroupCoordinatorRecord[] = []
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const metadata = p.committedMetadata ?? ''
        if (p.committedMetadata !== null && metadata.length > this.#config.offsetMetadataMaxBytes)
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE }
        records.push(
          newOffsetCommitRecord(request.groupId, t.name, p.partitionIndex, {
            committedOffset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch < 0 ? -1 : p.committedLeaderEpoch,
            metadata,
            commitTimestampMs: p.commitTimestamp === NO_TIMESTAMP ? nowMs : p.commitTimestamp,
            expireTimestampMs,
            recordOffset: -1,
          }),
        )
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE }
      }),
    }))
    return { records, response: topics, replayRecords: true }
  }

  /**
   * TxnOffsetCommit (Kafka's commitTransactionalOffset): the records are written inside the producer's
   * transaction and replayed as pending offsets, which become committed at the COMMIT marker (or vanish at
   * ABORT). A missing group is fine with generation -1 (a "simple" group appears on replay).
   */
  commitTransactionalOffset(
    request: TxnOffsetCommitRequest,
    apiVersion: number,
  ): GroupResult<TxnOffsetCommitResponseTxnOffsetCommitResponseTopic[]> {
    const group = this.#groups.group(request.groupId)
    if (group === undefined) {
      if (request.generationId >= 0) throw new KafkaProtocolError(ErrorCode.ILLEGAL_GENERATION)
    } else {
      try {
        group.validateOffsetCommit(request.memberId, request.groupInstanceId, request.generationId, true, apiVersion)
      } catch (err) {
        if (err instanceof KafkaProtocolError && err.errorCode === ErrorCode.STALE_MEMBER_EPOCH)
          throw new KafkaProtocolError(ErrorCode.ILLEGAL_GENERATION)
        throw err
      }
    }
    const nowMs = this.#clock.nowMs()
    const records: GroupCoordinatorRecord[] = []
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const metadata = p.committedMetadata ?? ''
        if (p.committedMetadata !== null && metadata.length > this.#config.offsetMetadataMaxBytes)
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE }
        records.push(
          newOffsetCommitRecord(request.groupId, t.name, p.partitionIndex, {
            committedOffset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch < 0 ? -1 : p.committedLeaderEpoch,
            metadata,
            commitTimestampMs: nowMs,
            expireTimestampMs: null,
            recordOffset: -1,
          }),
        )
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE }
      }),
    }))
    return { records, response: topics, replayRecords: true }
  }

  /** OffsetFetch of one group; `topics` null = every partition with a committed offset. */
  fetchOffsets(
    groupId: string,
    topics: readonly TopicPartitions[] | null,
    requireStable: boolean,
    memberId: string | null = null,
    memberEpoch = -1,
  ): OffsetFetchResponseOffsetFetchResponseGroup {
    let groupMissing = false
    try {
      const group = this.#groups.group(groupId)
      if (group === undefined) groupMissing = true
      else group.validateOffsetFetch(memberId, memberEpoch)
    } catch (err) {
      if (!(err instanceof KafkaProtocolError)) throw err
      if (err.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) return { groupId, topics: [], errorCode: err.errorCode }
      groupMissing = true
    }
    const offsets = groupMissing ? undefined : this.#offsets.group(groupId)
    const answer = (topic: string, p: number, o: OffsetAndMetadata | undefined) =>
      requireStable && this.#hasPendingTransactionalOffsets(groupId, topic, p)
        ? partitionAnswer(p, undefined, ErrorCode.UNSTABLE_OFFSET_COMMIT)
        : partitionAnswer(p, o)
    const out: OffsetFetchResponseOffsetFetchResponseTopics[] = []
    if (topics === null) {
      for (const [name, partitions] of offsets ?? []) {
        out.push({ name, partitions: [...partitions].map(([p, o]) => answer(name, p, o)) })
      }
    } else {
      for (const t of topics) {
        const partitions = offsets?.get(t.name)
        out.push({ name: t.name, partitions: t.partitionIndexes.map((p) => answer(t.name, p, partitions?.get(p))) })
      }
    }
    return { groupId, topics: out, errorCode: ErrorCode.NONE }
  }

  /** OffsetDelete: tombstones for the partitions, unless the group's consumers subscribe to the topic. */
  deleteOffsets(request: OffsetDeleteRequest): GroupResult<OffsetDeleteResponse> {
    const group = this.#groups.group(request.groupId)
    if (group === undefined) throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND)
    group.validateOffsetDelete()
    const records: GroupCoordinatorRecord[] = []
    const topics = request.topics.map((t) => {
      const subscribed = group.isSubscribedToTopic(t.name)
      return {
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (subscribed) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }
          if (
            this.#offsets.get(request.groupId, t.name, p.partitionIndex) !== undefined ||
            this.#hasPendingTransactionalOffsets(request.groupId, t.name, p.partitionIndex)
          )
            records.push(newOffsetCommitTombstone(request.groupId, t.name, p.partitionIndex))
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE }
        }),
      }
    })
    return { records, response: { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics }, replayRecords: true }
  }

  /** Tombstones for every offset of the group (DeleteGroups); returns how many. */
  deleteAllOffsets(groupId: string, records: GroupCoordinatorRecord[]): number {
    let n = 0
    for (const [topic, partitions] of this.#offsets.group(groupId) ?? []) {
      for (const p of partitions.keys()) {
        records.push(newOffsetCommitTombstone(groupId, topic, p))
        n++
      }
    }
    for (const producerId of this.#openTransactionsByGroup.get(groupId) ?? []) {
      this.#pending.get(producerId)?.forEach((g, topic, p) => {
        if (g !== groupId || this.#offsets.get(groupId, topic, p) !== undefined) return
        records.push(newOffsetCommitTombstone(groupId, topic, p))
        n++
      })
    }
    return n
  }

  /**
   * Tombstones for the group's expired offsets (offsets.retention.minutes, Kafka's
   * cleanupExpiredOffsets). True when no offset is left, so an empty group may be deleted too.
   */
  cleanupExpiredOffsets(groupId: string, records: GroupCoordinatorRecord[]): boolean {
    const offsets = this.#offsets.group(groupId)
    if (offsets === undefined) return true
    const group = this.#groups.group(groupId)
    const base = group?.offsetExpirationBase() ?? null
    if (group === undefined || base === null) return false
    const nowMs = this.#clock.nowMs()
    const retentionMs = this.#config.offsetsRetentionMs
    let allExpired = true
    const expired: string[] = []
    for (const [topic, partitions] of offsets) {
      if (group.isSubscribedToTopic(topic)) {
        allExpired = false
        continue
      }
      for (const [p, o] of partitions) {
        const isExpired = o.expireTimestampMs !== null ? nowMs >= o.expireTimestampMs : nowMs - base(o) >= retentionMs
        if (isExpired && !this.#hasPendingTransactionalOffsets(groupId, topic, p)) {
          records.push(newOffsetCommitTombstone(groupId, topic, p))
          expired.push(`${topic}-${p}`)
        } else {
          allExpired = false
        }
      }
    }
    if (expired.length > 0) this.#log.info({ groupId, partitions: expired }, 'expired committed offsets')
    return allExpired && !this.#openTransactionsByGroup.has(groupId)
  }

  /** Tombstones for offsets of partitions that no longer exist (topic deleted). */
  onPartitionsDeleted(topics: ReadonlySet<string>): GroupCoordinatorRecord[] {
    const records: GroupCoordinatorRecord[] = []
    this.#offsets.forEach((g, topic, p) => {
      if (topics.has(topic)) records.push(newOffsetCommitTombstone(g, topic, p))
    })
    return records
  }

  #hasPendingTransactionalOffsets(groupId: string, topic: string, partition: number): boolean {
    for (const producerId of this.#openTransactionsByGroup.get(groupId) ?? [])
      if (this.#pending.get(producerId)?.get(groupId, topic, partition) !== undefined) return true
    return false
  }

  replay(recordOffset: number, producerId: number, record: RecordOf<'OffsetCommit'>): void {
    const { group: groupId, topic, partition } = record.key
    const v = record.value
    if (v === null) {
      this.#offsets.remove(groupId, topic, partition)
      for (const pid of this.#openTransactionsByGroup.get(groupId) ?? [])
        this.#pending.get(pid)?.remove(groupId, topic, partition)
      return
    }
    this.#groups.ensureSimpleGroup(groupId)
    const value: OffsetAndMetadata = {
      committedOffset: v.offset,
      leaderEpoch: v.leaderEpoch,
      metadata: v.metadata,
      commitTimestampMs: v.commitTimestamp,
      expireTimestampMs: record.valueVersion === 1 ? v.expireTimestamp : null,
      recordOffset,
    }
    if (producerId < 0) {
      this.#offsets.put(groupId, topic, partition, value)
      return
    }
    let pending = this.#pending.get(producerId)
    if (pending === undefined) {
      pending = new OffsetStore()
      this.#pending.set(producerId, pending)
    }
    pending.put(groupId, topic, partition, value)
    let open = this.#openTransactionsByGroup.get(groupId)
    if (open === undefined) {
      open = new Set()
      this.#openTransactionsByGroup.set(groupId, open)
    }
    open.add(producerId)
  }

  /** A transaction ended: its offsets become committed (newest record wins) or are dropped. */
  replayEndTransaction(producerId: number, committed: boolean): void {
    const pending = this.#pending.get(producerId)
    if (pending === undefined) return
    this.#pending.delete(producerId)
    for (const groupId of pending.groupIds) {
      const open = this.#openTransactionsByGroup.get(groupId)
      open?.delete(producerId)
      if (open?.size === 0) this.#openTransactionsByGroup.delete(groupId)
    }
    if (!committed) return
    pending.forEach((groupId, topic, p, value) => {
      const existing = this.#offsets.get(groupId, topic, p)
      if (existing === undefined || value.recordOffset > existing.recordOffset)
        this.#offsets.put(groupId, topic, p, value)
    })
  }
}
