/**
 * The rebalance machinery of the classic protocol (Kafka's GroupMetadataManager, classic part): prepare a
 * rebalance, complete the join phase into the next generation, time out members that stop heartbeating
 * or never sync, and propagate the leader's assignment.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { JoinGroupResponse } from '../../protocol/generated/join-group.ts'
import {
  type ClassicContext,
  EMPTY_RESULT,
  type GroupResult,
  heartbeatKey,
  joinKey,
  syncKey,
} from './classic-context.ts'
import type { ClassicGroup } from './classic-group.ts'
import { type ClassicGroupMember, EMPTY_ASSIGNMENT } from './classic-group-member.ts'
import { ClassicGroupState } from './group-state.ts'
import { newGroupMetadataRecord } from './records/group-records.ts'

const S = ClassicGroupState

export function joinResponse(
  group: ClassicGroup,
  memberId: string,
  errorCode: number,
  members: JoinGroupResponse['members'] = [],
): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId,
    members,
  }
}

export function joinError(memberId: string, errorCode: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  }
}

export function rescheduleHeartbeat(
  c: ClassicContext,
  group: ClassicGroup,
  member: ClassicGroupMember,
  timeoutMs = member.sessionTimeoutMs,
): void {
  const { groupId } = group
  const { memberId } = member
  c.timer.schedule(heartbeatKey(groupId, memberId), timeoutMs, () => expireHeartbeat(c, groupId, memberId))
}

/** A member's session expired: remove it (or a pending member) unless it is parked in a rebalance. */
export function expireHeartbeat(c: ClassicContext, groupId: string, memberId: string): GroupResult {
  const group = c.classicGroup(groupId)
  if (group === undefined || group.is(S.Dead)) return EMPTY_RESULT
  if (group.isPendingMember(memberId)) {
    c.log.info({ groupId, memberId }, 'pending member removed after session timeout')
    group.remove(memberId)
    if (group.is(S.PreparingRebalance) && group.hasAllMembersJoined) return completeJoin(c, group)
    return EMPTY_RESULT
  }
  const member = group.members.get(memberId)
  if (member === undefined || member.hasSatisfiedHeartbeat) return EMPTY_RESULT
  c.log.info({ groupId, memberId }, 'member failed to heartbeat, removing it from the group')
  return removeMemberAndUpdateGroup(c, group, member, `removing member ${memberId} on heartbeat expiration`)
}

export function removeMemberAndUpdateGroup(
  c: ClassicContext,
  group: ClassicGroup,
  member: ClassicGroupMember,
  reason: string,
): GroupResult {
  // A new member may time out while its JoinGroup is parked: answer it so that it can rejoin.
  group.completeJoin(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID))
  group.remove(member.memberId)
  if (group.is(S.Stable) || group.is(S.CompletingRebalance))
    return maybePrepareRebalanceOrCompleteJoin(c, group, reason)
  if (group.is(S.PreparingRebalance) && group.hasAllMembersJoined) return completeJoin(c, group)
  return EMPTY_RESULT
}

export function maybePrepareRebalanceOrCompleteJoin(
  c: ClassicContext,
  group: ClassicGroup,
  reason: string,
): GroupResult {
  if (group.canRebalance) return prepareRebalance(c, group, reason)
  return maybeCompleteJoinPhase(c, group)
}

/** Completes the join phase when everyone rejoined, except during the initial (delayed) rebalance. */
export function maybeCompleteJoinPhase(c: ClassicContext, group: ClassicGroup): GroupResult {
  if (!group.is(S.PreparingRebalance)) return EMPTY_RESULT
  if (group.previousState === S.Empty) return EMPTY_RESULT
  if (!group.hasAllMembersJoined) return EMPTY_RESULT
  return completeJoin(c, group)
}

export function prepareRebalance(c: ClassicContext, group: ClassicGroup, reason: string): GroupResult {
  // Members waiting for their assignment must rejoin.
  if (group.is(S.CompletingRebalance)) resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS, c)
  removeSyncExpiration(c, group)
  const isInitialRebalance = group.is(S.Empty)
  if (isInitialRebalance) {
    // A new group: give other members time to join (group.initial.rebalance.delay.ms).
    const delayMs = c.config.groupInitialRebalanceDelayMs
    const remainingMs = Math.max(group.rebalanceTimeoutMs - delayMs, 0)
    const { groupId } = group
    c.timer.schedule(joinKey(groupId), delayMs, () =>
      tryCompleteInitialRebalanceElseSchedule(c, groupId, delayMs, remainingMs),
    )
  }
  const previous = group.state
  group.transitionTo(S.PreparingRebalance)
  c.log.info(
    { groupId: group.groupId, previousState: previous, generationId: group.generationId, reason },
    'preparing to rebalance group',
  )
  return isInitialRebalance ? EMPTY_RESULT : maybeCompleteJoinElseSchedule(c, group)
}

function maybeCompleteJoinElseSchedule(c: ClassicContext, group: ClassicGroup): GroupResult {
  if (group.hasAllMembersJoined) return completeJoin(c, group)
  const { groupId } = group
  c.timer.schedule(joinKey(groupId), group.rebalanceTimeoutMs, () => completeJoinOf(c, groupId))
  return EMPTY_RESULT
}

function tryCompleteInitialRebalanceElseSchedule(
  c: ClassicContext,
  groupId: string,
  delayMs: number,
  remainingMs: number,
): GroupResult {
  const group = c.classicGroup(groupId)
  if (group === undefined) return EMPTY_RESULT
  if (group.newMemberAdded && remainingMs !== 0) {
    // A member joined during the delay: wait again, up to the rebalance timeout.
    group.newMemberAdded = false
    const newDelayMs = Math.min(c.config.groupInitialRebalanceDelayMs, remainingMs)
    const newRemainingMs = Math.max(remainingMs - delayMs, 0)
    c.timer.schedule(joinKey(groupId), newDelayMs, () =>
      tryCompleteInitialRebalanceElseSchedule(c, groupId, newDelayMs, newRemainingMs),
    )
    return EMPTY_RESULT
  }
  return completeJoin(c, group)
}

function completeJoinOf(c: ClassicContext, groupId: string): GroupResult {
  const group = c.classicGroup(groupId)
  return group === undefined ? EMPTY_RESULT : completeJoin(c, group)
}

/**
 * Ends the join phase: dynamic members that did not rejoin are removed, the generation is bumped, and
 * every parked JoinGroup is answered (the leader gets the members' metadata). A group left without
 * members becomes Empty and that is written to the log.
 */
export function completeJoin(c: ClassicContext, group: ClassicGroup): GroupResult {
  const { groupId } = group
  c.timer.cancel(joinKey(groupId))
  const removed: string[] = []
  for (const m of [...group.members.values()]) {
    if (m.isAwaitingJoin || m.isStaticMember) continue
    group.remove(m.memberId)
    c.timer.cancel(heartbeatKey(groupId, m.memberId))
    removed.push(m.memberId)
  }
  if (removed.length > 0) c.log.info({ groupId, memberIds: removed }, 'removed members that did not rejoin')
  if (group.is(S.Dead)) return EMPTY_RESULT
  if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
    // Nobody rejoined: wait for the session timeouts to clear the members.
    c.log.warn({ groupId }, 'group could not complete rebalance because no members rejoined')
    c.timer.schedule(joinKey(groupId), group.rebalanceTimeoutMs, () => completeJoinOf(c, groupId))
    return EMPTY_RESULT
  }
  group.initNextGeneration()
  if (group.is(S.Empty)) {
    c.log.info({ groupId, generationId: group.generationId }, 'group is now empty')
    return {
      records: [newGroupMetadataRecord(group, new Map())],
      response: undefined,
      replayRecords: false,
      onAppended: (err) => {
        if (err !== null) c.log.warn({ groupId, err: err.message }, 'failed to write empty group metadata')
      },
    }
  }
  c.log.info(
    { groupId, generationId: group.generationId, members: group.members.size, protocol: group.protocolName },
    'stabilized group',
  )
  for (const m of group.members.values()) {
    const members = group.isLeader(m.memberId) ? group.currentMembersForLeader() : []
    group.completeJoin(m, joinResponse(group, m.memberId, ErrorCode.NONE, members))
    rescheduleHeartbeat(c, group, m)
    m.isNew = false
    group.addPendingSyncMember(m.memberId)
  }
  schedulePendingSync(c, group)
  return EMPTY_RESULT
}

function schedulePendingSync(c: ClassicContext, group: ClassicGroup): void {
  const { groupId, generationId } = group
  c.timer.schedule(syncKey(groupId), group.rebalanceTimeoutMs, () => expirePendingSync(c, groupId, generationId))
}

export function removeSyncExpiration(c: ClassicContext, group: ClassicGroup): void {
  group.clearPendingSyncMembers()
  c.timer.cancel(syncKey(group.groupId))
}

/** Members that did not send SyncGroup within the rebalance timeout are removed and the group rebalances. */
function expirePendingSync(c: ClassicContext, groupId: string, generationId: number): GroupResult {
  const group = c.classicGroup(groupId)
  if (group === undefined || group.generationId !== generationId) return EMPTY_RESULT
  if (!(group.is(S.CompletingRebalance) || group.is(S.Stable)) || group.hasReceivedSyncFromAllMembers)
    return EMPTY_RESULT
  const pending = [...group.pendingSyncMembers]
  for (const memberId of pending) {
    group.remove(memberId)
    c.timer.cancel(heartbeatKey(groupId, memberId))
  }
  return prepareRebalance(c, group, `removing ${pending.join(', ')} on pending sync request expiration`)
}

/** After a failed SyncGroup (a failed write) or a new rebalance: members waiting in SyncGroup get `errorCode`. */
export function resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number, c: ClassicContext): void {
  for (const m of group.members.values()) m.assignment = EMPTY_ASSIGNMENT
  propagateAssignment(c, group, errorCode)
}

export function setAndPropagateAssignment(
  c: ClassicContext,
  group: ClassicGroup,
  assignment: Map<string, Buffer>,
): void {
  for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_ASSIGNMENT
  propagateAssignment(c, group, ErrorCode.NONE)
}

function propagateAssignment(c: ClassicContext, group: ClassicGroup, errorCode: number): void {
  const ok = errorCode === ErrorCode.NONE
  for (const m of group.members.values()) {
    const answered = group.completeSync(m, {
      throttleTimeMs: 0,
      errorCode,
      protocolType: ok ? group.protocolType : null,
      protocolName: ok ? group.protocolName : null,
      assignment: m.assignment,
    })
    // Sessions restart once the assignment is out (an expiry while parked was ignored).
    if (answered) rescheduleHeartbeat(c, group, m)
  }
}
