/**
 * Leaving and fencing KIP-848 members (Kafka's consumerGroupLeave and consumerGroupFenceMember), and the
 * session and rebalance timeouts that fence members which stop heartbeating or do not revoke in time.
 */
import { ErrorCode } from '../../../protocol/error-codes.ts'
import type { ConsumerGroupHeartbeatResponse } from '../../../protocol/generated/consumer-group-heartbeat.ts'
import { KafkaProtocolError } from '../../../protocol/kafka-protocol-error.ts'
import type { GroupResult } from '../classic-context.ts'
import type { GroupCoordinatorRecord } from '../records/group-coordinator-record.ts'
import type { ConsumerContext } from './consumer-context.ts'
import { ConsumerGroup } from './consumer-group.ts'
import {
  type ConsumerGroupMember,
  EMPTY_ASSIGNMENT,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  MemberState,
} from './consumer-group-member.ts'
import * as R from './consumer-group-records.ts'
import { computeSubscriptionMetadata, sameSubscriptionMetadata } from './consumer-group-target.ts'

const sessionKey = (groupId: string, memberId: string) => `session-timeout-${groupId}-${memberId}`
const rebalanceKey = (groupId: string, memberId: string) => `rebalance-timeout-${groupId}-${memberId}`
const NOTHING: GroupResult = { records: [], response: undefined, replayRecords: true }

function leaveResponse(memberId: string, memberEpoch: number): ConsumerGroupHeartbeatResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    memberId,
    memberEpoch,
    heartbeatIntervalMs: 0,
    assignment: null,
  }
}

export function consumerGroupLeave(
  c: ConsumerContext,
  groupId: string,
  instanceId: string | null,
  memberId: string,
  memberEpoch: number,
): GroupResult<ConsumerGroupHeartbeatResponse> {
  const group = c.group(groupId)
  if (!(group instanceof ConsumerGroup))
    throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`)
  const response = leaveResponse(memberId, memberEpoch)
  if (instanceId === null) {
    const member = group.members.get(memberId)
    if (member === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
    c.log.info({ groupId, memberId }, 'member left the consumer group')
    return { records: fenceMember(c, group, member), response, replayRecords: true }
  }
  const member = group.staticMember(instanceId)
  if (member === undefined)
    throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`)
  if (member.memberId !== memberId) throw new KafkaProtocolError(ErrorCode.FENCED_INSTANCE_ID)
  if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    // The static member will come back: it keeps its place (and target) until its session expires.
    c.log.info({ groupId, memberId, instanceId }, 'static member temporarily left the consumer group')
    const leaving: ConsumerGroupMember = {
      ...member,
      memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
      partitionsPendingRevocation: EMPTY_ASSIGNMENT,
    }
    return {
      records: [R.currentAssignmentRecord(groupId, leaving)],
      response: leaveResponse(memberId, LEAVE_GROUP_STATIC_MEMBER_EPOCH),
      replayRecords: true,
    }
  }
  c.log.info({ groupId, memberId, instanceId }, 'static member left the consumer group')
  return { records: fenceMember(c, group, member), response, replayRecords: true }
}

/** Removes a member and bumps the group epoch so the others get its partitions. */
export function fenceMember(
  c: ConsumerContext,
  group: ConsumerGroup,
  member: ConsumerGroupMember,
): GroupCoordinatorRecord[] {
  const { groupId } = group
  const records: GroupCoordinatorRecord[] = R.removeMemberRecords(groupId, member.memberId)
  const remaining = [...group.members.values()].filter((m) => m.memberId !== member.memberId)
  const metadata = computeSubscriptionMetadata(remaining, c.image())
  if (!sameSubscriptionMetadata(metadata, group.subscriptionMetadata))
    records.push(R.subscriptionMetadataRecord(groupId, metadata))
  records.push(R.groupEpochRecord(groupId, group.groupEpoch + 1))
  c.timer.cancel(sessionKey(groupId, member.memberId))
  c.timer.cancel(rebalanceKey(groupId, member.memberId))
  return records
}

function fenceOperation(c: ConsumerContext, groupId: string, memberId: string, reason: string): GroupResult {
  const group = c.group(groupId)
  if (!(group instanceof ConsumerGroup)) return NOTHING
  const member = group.members.get(memberId)
  if (member === undefined) return NOTHING
  c.log.info({ groupId, memberId, reason }, 'member fenced from the consumer group')
  return { records: fenceMember(c, group, member), response: undefined, replayRecords: true }
}

export function scheduleSessionTimeout(c: ConsumerContext, groupId: string, memberId: string): void {
  c.timer.schedule(sessionKey(groupId, memberId), c.config.consumerGroupSessionTimeoutMs, () =>
    fenceOperation(c, groupId, memberId, 'the member session expired'),
  )
}

export function cancelRebalanceTimeout(c: ConsumerContext, groupId: string, memberId: string): void {
  c.timer.cancel(rebalanceKey(groupId, memberId))
}

/** A member that must revoke partitions has its rebalance timeout to do so, else it is fenced. */
export function scheduleRebalanceTimeout(c: ConsumerContext, groupId: string, member: ConsumerGroupMember): void {
  const { memberId, memberEpoch } = member
  c.timer.schedule(rebalanceKey(groupId, memberId), member.rebalanceTimeoutMs, () => {
    const group = c.group(groupId)
    const current = group instanceof ConsumerGroup ? group.members.get(memberId) : undefined
    if (current?.memberEpoch !== memberEpoch) return NOTHING
    return fenceOperation(c, groupId, memberId, `it failed to transition from epoch ${memberEpoch} in time`)
  })
}

/** Loaded: every member's session starts now; members still revoking get their rebalance timeout. */
export function onConsumerGroupLoaded(c: ConsumerContext, group: ConsumerGroup): void {
  for (const m of group.members.values()) {
    scheduleSessionTimeout(c, group.groupId, m.memberId)
    if (m.state === MemberState.UnrevokedPartitions) scheduleRebalanceTimeout(c, group.groupId, m)
  }
}
