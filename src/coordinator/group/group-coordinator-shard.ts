import type { Clock } from '../../common/clock.ts'
import type { Logger } from '../../common/log.ts'
import type { MetadataImage } from '../../metadata/image/metadata-image.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { ConsumerGroupDescribeResponseDescribedGroup } from '../../protocol/generated/consumer-group-describe.ts'
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/consumer-group-heartbeat.ts'
import type { DeleteGroupsResponseDeletableGroupResult } from '../../protocol/generated/delete-groups.ts'
import type { HeartbeatRequest } from '../../protocol/generated/heartbeat.ts'
import type { JoinGroupRequest } from '../../protocol/generated/join-group.ts'
import type { LeaveGroupRequestMemberIdentity } from '../../protocol/generated/leave-group.ts'
import type { SyncGroupRequest } from '../../protocol/generated/sync-group.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import type { CoordinatorShard } from '../runtime/coordinator-shard.ts'
import type { CoordinatorTimer } from '../runtime/coordinator-timer.ts'
import type { PartitionAssignor } from './assignors/partition-assignor.ts'
import { RangeAssignor } from './assignors/range-assignor.ts'
import { UniformAssignor } from './assignors/uniform-assignor.ts'
import type { GroupResult } from './classic-context.ts'
import { ClassicGroup } from './classic-group.ts'
import type { JoinCallback, SyncCallback } from './classic-group-member.ts'
import { classicGroupJoin, type JoinContext } from './classic-join.ts'
import { classicGroupLeave, type LeaveResult } from './classic-leave.ts'
import { rescheduleHeartbeat } from './classic-rebalance.ts'
import { classicGroupHeartbeat, classicGroupSync } from './classic-sync.ts'
import type { ConsumerContext } from './consumer/consumer-context.ts'
import { ConsumerGroup } from './consumer/consumer-group.ts'
import { describeConsumerGroup } from './consumer/consumer-group-describe.ts'
import {
  consumerGroupHeartbeat,
  type HeartbeatContext,
  preferredAssignor,
} from './consumer/consumer-group-heartbeat.ts'
import { onConsumerGroupLoaded } from './consumer/consumer-group-leave.ts'
import { replayConsumerGroupRecord } from './consumer/consumer-group-records.ts'
import type { Group } from './group.ts'
import type { GroupCoordinatorConfig } from './group-coordinator-config.ts'
import { type AnyGroup, GroupMetadataManager } from './group-metadata-manager.ts'
import { ClassicGroupState } from './group-state.ts'
import { OffsetMetadataManager } from './offset-metadata-manager.ts'
import type { GroupCoordinatorRecord } from './records/group-coordinator-record.ts'

const GROUP_EXPIRATION_KEY = 'expire-group-metadata'

export interface GroupShardOptions {
  readonly partition: number
  readonly config: GroupCoordinatorConfig
  readonly clock: Clock
  readonly timer: CoordinatorTimer<GroupCoordinatorRecord>
  readonly logger: Logger
  /** The newest metadata image (KIP-848 groups resolve subscribed topics in it). */
  readonly metadata: () => MetadataImage
}

const ASSIGNORS: readonly PartitionAssignor[] = [new UniformAssignor(), new RangeAssignor()]

/**
 * The state of one `__consumer_offsets` partition: its groups and their committed offsets (Kafka's
 * GroupCoordinatorShard). Recovery and offset changes go through `replay`; the classic protocol's soft
 * state (parked requests, sessions) lives in the GroupMetadataManager.
 */
export class GroupCoordinatorShard implements CoordinatorShard<GroupCoordinatorRecord>, ConsumerContext {
  readonly partition: number
  readonly config: GroupCoordinatorConfig
  readonly timer: CoordinatorTimer<GroupCoordinatorRecord>
  readonly log: Logger
  readonly image: () => MetadataImage
  readonly assignors: ReadonlyMap<string, PartitionAssignor>
  readonly defaultAssignor: PartitionAssignor
  readonly groups: GroupMetadataManager
  readonly offsets: OffsetMetadataManager

  constructor(o: GroupShardOptions) {
    this.partition = o.partition
    this.config = o.config
    this.timer = o.timer
    this.log = o.logger
    this.image = o.metadata
    // group.consumer.assignors: the configured ones, in order; the first is the default.
    const byName = new Map(ASSIGNORS.map((a) => [a.name, a]))
    const configured = o.config.consumerGroupAssignors.flatMap((n) => byName.get(n) ?? [])
    this.assignors = new Map((configured.length > 0 ? configured : ASSIGNORS).map((a) => [a.name, a]))
    this.defaultAssignor = [...this.assignors.values()][0]!
    this.groups = new GroupMetadataManager(o.config, o.clock, o.timer, o.logger)
    this.offsets = new OffsetMetadataManager(
      o.config,
      o.clock,
      {
        group: (groupId) => this.groups.group(groupId),
        ensureSimpleGroup: (groupId) => {
          if (this.groups.group(groupId) === undefined) this.groups.getOrCreateClassicGroup(groupId)
        },
        onMemberCommit: (group, memberId) => this.#onMemberCommit(group, memberId),
      },
      o.logger,
    )
  }

  #onMemberCommit(group: Group, memberId: string): void {
    if (!(group instanceof ClassicGroup)) return
    if (!group.is(ClassicGroupState.Stable) && !group.is(ClassicGroupState.PreparingRebalance)) return
    const member = group.members.get(memberId)
    if (member !== undefined) rescheduleHeartbeat(this.groups, group, member)
  }

  replay(offset: number, producerId: number, record: GroupCoordinatorRecord): void {
    switch (record.type) {
      case 'OffsetCommit':
        this.offsets.replay(offset, producerId, record)
        return
      case 'GroupMetadata':
        this.groups.replayGroupMetadata(record)
        return
      default:
        this.replayModern(record)
    }
  }

  /** KIP-848 consumer group records. */
  replayModern(record: GroupCoordinatorRecord): void {
    replayConsumerGroupRecord(this.groups, record)
  }

  group(groupId: string): AnyGroup | undefined {
    return this.groups.group(groupId)
  }

  replayEndTransaction(producerId: number, committed: boolean): void {
    this.offsets.replayEndTransaction(producerId, committed)
  }

  onLoaded(): void {
    this.groups.onLoaded()
    for (const g of this.groups.groups.values()) if (g instanceof ConsumerGroup) onConsumerGroupLoaded(this, g)
    this.#scheduleGroupMetadataExpiration()
  }

  onUnloaded(): void {
    this.groups.onUnloaded()
  }

  #scheduleGroupMetadataExpiration(): void {
    this.timer.schedule(GROUP_EXPIRATION_KEY, this.config.offsetsRetentionCheckIntervalMs, () =>
      this.cleanupGroupMetadata(),
    )
  }

  /** Expires offsets (offsets.retention.minutes) and deletes empty groups left without any (periodic). */
  cleanupGroupMetadata(): GroupResult {
    const records: GroupCoordinatorRecord[] = []
    for (const groupId of [...this.groups.groups.keys()]) {
      const allExpired = this.offsets.cleanupExpiredOffsets(groupId, records)
      const group = this.groups.group(groupId)
      if (allExpired && group?.isEmpty) this.groups.createGroupTombstoneRecords(groupId, records)
    }
    if (records.length > 0) this.log.info({ records: records.length }, 'group metadata cleanup wrote tombstones')
    this.#scheduleGroupMetadataExpiration()
    return { records, response: undefined, replayRecords: true }
  }

  /** JoinGroup; an empty KIP-848 group of that id is deleted first (Kafka's maybeDeleteEmptyConsumerGroup). */
  classicGroupJoin(request: JoinGroupRequest, jc: JoinContext, respond: JoinCallback): GroupResult {
    const existing = this.groups.group(request.groupId)
    if (!(existing instanceof ConsumerGroup) || !existing.isEmpty)
      return classicGroupJoin(this.groups, request, jc, respond)
    const tombstones: GroupCoordinatorRecord[] = []
    existing.createGroupTombstoneRecords(tombstones)
    this.groups.groups.delete(request.groupId)
    const result = classicGroupJoin(this.groups, request, jc, respond)
    return { ...result, records: [...tombstones, ...result.records], replayRecords: false }
  }

  consumerGroupHeartbeat(
    request: ConsumerGroupHeartbeatRequest,
    hc: HeartbeatContext,
  ): GroupResult<ConsumerGroupHeartbeatResponse> {
    return consumerGroupHeartbeat(this, request, hc)
  }

  consumerGroupDescribe(groupId: string): ConsumerGroupDescribeResponseDescribedGroup {
    return describeConsumerGroup(groupId, this.groups.group(groupId), this.image(), (g) =>
      preferredAssignor(this, g.members.values()),
    )
  }

  classicGroupSync(request: SyncGroupRequest, respond: SyncCallback): GroupResult {
    return classicGroupSync(this.groups, request, respond)
  }

  classicGroupHeartbeat(request: HeartbeatRequest): GroupResult<number> {
    return classicGroupHeartbeat(this.groups, request)
  }

  classicGroupLeave(groupId: string, members: readonly LeaveGroupRequestMemberIdentity[]): GroupResult<LeaveResult> {
    return classicGroupLeave(this.groups, groupId, members)
  }

  /** DeleteGroups: tombstones for the groups' offsets and metadata; non-empty groups are refused. */
  deleteGroups(groupIds: readonly string[]): GroupResult<DeleteGroupsResponseDeletableGroupResult[]> {
    const records: GroupCoordinatorRecord[] = []
    const results = groupIds.map((groupId) => {
      try {
        const group = this.groups.group(groupId)
        if (group === undefined) throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND)
        group.validateDeleteGroup()
        const deleted = this.offsets.deleteAllOffsets(groupId, records)
        this.groups.createGroupTombstoneRecords(groupId, records)
        this.log.info({ groupId, offsets: deleted }, 'group deleted')
        return { groupId, errorCode: ErrorCode.NONE }
      } catch (err) {
        if (!(err instanceof KafkaProtocolError)) throw err
        return { groupId, errorCode: err.errorCode }
      }
    })
    return { records, response: results, replayRecords: true }
  }

  /** Offsets of deleted topics are removed (Kafka's onPartitionsDeleted). */
  onTopicsDeleted(topics: ReadonlySet<string>): GroupResult {
    return { records: this.offsets.onPartitionsDeleted(topics), response: undefined, replayRecords: true }
  }
}
