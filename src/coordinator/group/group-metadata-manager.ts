import type { Clock } from '../../common/clock.ts'
import type { Logger } from '../../common/log.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { DescribeGroupsResponseDescribedGroup } from '../../protocol/generated/describe-groups.ts'
import type { ListGroupsResponseListedGroup } from '../../protocol/generated/list-groups.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import type { CoordinatorTimer } from '../runtime/coordinator-timer.ts'
import type { ClassicContext } from './classic-context.ts'
import { ClassicGroup } from './classic-group.ts'
import { ClassicGroupMember } from './classic-group-member.ts'
import { joinError, prepareRebalance, rescheduleHeartbeat } from './classic-rebalance.ts'
import { syncError } from './classic-sync.ts'
import { ConsumerGroup } from './consumer/consumer-group.ts'
import type { Group } from './group.ts'
import type { GroupCoordinatorConfig } from './group-coordinator-config.ts'
import { ClassicGroupState } from './group-state.ts'
import type { GroupCoordinatorRecord, RecordOf } from './records/group-coordinator-record.ts'
import { newGroupMetadataTombstone } from './records/group-records.ts'

const S = ClassicGroupState

/** A group of the KIP-848 protocol, as the group store holds it. */
export interface ModernGroup extends Group {
  /** Tombstones for all of the group's records. */
  createGroupTombstoneRecords(records: GroupCoordinatorRecord[]): void
}

export type AnyGroup = ClassicGroup | ModernGroup

/**
 * The groups of one `__consumer_offsets` partition and the classic protocol's shared machinery (Kafka's
 * GroupMetadataManager, minus the per-operation code, which lives in classic-join/sync/leave.ts).
 */
export class GroupMetadataManager implements ClassicContext {
  readonly config: GroupCoordinatorConfig
  readonly clock: Clock
  readonly timer: CoordinatorTimer<GroupCoordinatorRecord>
  readonly log: Logger
  readonly groups = new Map<string, AnyGroup>()

  constructor(
    config: GroupCoordinatorConfig,
    clock: Clock,
    timer: CoordinatorTimer<GroupCoordinatorRecord>,
    log: Logger,
  ) {
    this.config = config
    this.clock = clock
    this.timer = timer
    this.log = log
  }

  group(groupId: string): AnyGroup | undefined {
    return this.groups.get(groupId)
  }

  classicGroup(groupId: string): ClassicGroup | undefined {
    const g = this.groups.get(groupId)
    return g instanceof ClassicGroup ? g : undefined
  }

  hasNonClassicGroup(groupId: string): boolean {
    const g = this.groups.get(groupId)
    return g !== undefined && !(g instanceof ClassicGroup)
  }

  getOrCreateClassicGroup(groupId: string): ClassicGroup {
    const g = this.groups.get(groupId)
    if (g instanceof ClassicGroup) return g
    if (g !== undefined)
      throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a classic group.`)
    const created = new ClassicGroup({ groupId, state: S.Empty, clock: this.clock })
    this.groups.set(groupId, created)
    return created
  }

  /**
   * The KIP-848 group for replay: created when `create` (replacing a simple or deleted classic group
   * of that id); undefined when there is none and none is created.
   */
  consumerGroup(groupId: string, create: boolean): ConsumerGroup | undefined {
    const g = this.groups.get(groupId)
    if (g instanceof ConsumerGroup) return g
    if (!create) return undefined
    const created = new ConsumerGroup(groupId)
    this.groups.set(groupId, created)
    return created
  }

  /** Removes a group (its tombstone was replayed): it becomes Dead and parked requests are answered. */
  removeGroup(groupId: string): void {
    const g = this.groups.get(groupId)
    if (g === undefined) return
    this.groups.delete(groupId)
    if (g instanceof ClassicGroup) {
      g.transitionTo(S.Dead)
      failParked(g, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    }
  }

  /** Replays a classic group metadata record (Kafka's GroupMetadataManager.replay). */
  replayGroupMetadata(record: RecordOf<'GroupMetadata'>): void {
    const groupId = record.key.group
    const v = record.value
    if (v === null) {
      this.removeGroup(groupId)
      return
    }
    const group = new ClassicGroup({
      groupId,
      state: v.members.length === 0 ? S.Empty : S.Stable,
      clock: this.clock,
      generationId: v.generation,
      protocolType: v.protocolType === '' ? null : v.protocolType,
      protocolName: v.protocol,
      leaderId: v.leader,
      currentStateTimestampMs: v.currentStateTimestamp === -1 ? null : v.currentStateTimestamp,
    })
    for (const m of v.members) {
      group.add(
        new ClassicGroupMember({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
          sessionTimeoutMs: m.sessionTimeout,
          protocolType: v.protocolType,
          supportedProtocols: [{ name: v.protocol ?? '', metadata: m.subscription }],
          assignment: m.assignment,
        }),
      )
    }
    group.subscribedTopics = group.computeSubscribedTopics()
    this.groups.set(groupId, group)
  }

  /** Loaded: members' sessions start now; a group over group.max.size rebalances. */
  onLoaded(): void {
    for (const g of this.groups.values()) {
      if (!(g instanceof ClassicGroup)) continue
      for (const m of g.members.values()) rescheduleHeartbeat(this, g, m)
      if (g.members.size > this.config.groupMaxSize)
        prepareRebalance(this, g, `freshly-loaded group is over capacity ${this.config.groupMaxSize}`)
    }
  }

  /** Unloaded: groups become Dead, parked JoinGroup/SyncGroup requests get NOT_COORDINATOR. */
  onUnloaded(): void {
    for (const g of this.groups.values()) {
      if (!(g instanceof ClassicGroup)) continue
      g.transitionTo(S.Dead)
      failParked(g, ErrorCode.NOT_COORDINATOR)
    }
  }

  describeGroup(groupId: string): DescribeGroupsResponseDescribedGroup {
    const g = this.classicGroup(groupId)
    if (g === undefined) return describedGroup(groupId, ErrorCode.NONE, S.Dead, '', '')
    const stable = g.is(S.Stable)
    const out = describedGroup(
      groupId,
      ErrorCode.NONE,
      g.state,
      g.protocolType ?? '',
      stable ? (g.protocolName ?? '') : '',
    )
    out.members = [...g.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? m.metadata(g.protocolName ?? '') : Buffer.alloc(0),
      memberAssignment: m.assignment,
    }))
    return out
  }

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListGroupsResponseListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.trim().toLowerCase()))
    const types = new Set(typesFilter.map((t) => t.trim().toLowerCase()))
    const out: ListGroupsResponseListedGroup[] = []
    for (const g of this.groups.values()) {
      if (states.size > 0 && !states.has(g.stateName.toLowerCase())) continue
      if (types.size > 0 && !types.has(g.type)) continue
      out.push({
        groupId: g.groupId,
        protocolType: g.protocolTypeForListing,
        groupState: g.stateName,
        groupType: g.type,
      })
    }
    return out
  }

  /** Tombstones deleting `groupId` (validated by the caller). */
  createGroupTombstoneRecords(groupId: string, records: GroupCoordinatorRecord[]): void {
    const g = this.groups.get(groupId)
    if (g === undefined || g instanceof ClassicGroup) records.push(newGroupMetadataTombstone(groupId))
    else g.createGroupTombstoneRecords(records)
  }
}

function failParked(g: ClassicGroup, errorCode: number): void {
  for (const m of g.members.values()) {
    g.completeJoin(m, joinError(m.memberId, errorCode))
    g.completeSync(m, syncError(errorCode))
  }
}

export function describedGroup(
  groupId: string,
  errorCode: number,
  groupState: string,
  protocolType: string,
  protocolData: string,
): DescribeGroupsResponseDescribedGroup {
  return {
    errorCode,
    groupId,
    groupState,
    protocolType,
    protocolData,
    members: [],
    authorizedOperations: -2147483648,
  }
}
