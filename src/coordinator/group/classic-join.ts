/**
 * JoinGroup for classic groups (Kafka's classicGroupJoinToClassicGroup and the functions it calls): new
 * dynamic members (MEMBER_ID_REQUIRED from v4, KIP-394), new and restarting static members (KIP-345),
 * existing members rejoining, and group.max.size.
 */
import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { JoinGroupRequest } from '../../protocol/generated/join-group.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { type ClassicContext, EMPTY_RESULT, type GroupResult, heartbeatKey } from './classic-context.ts'
import type { ClassicGroup } from './classic-group.ts'
import { ClassicGroupMember, type JoinCallback } from './classic-group-member.ts'
import {
  expireHeartbeat,
  joinError,
  joinResponse,
  maybeCompleteJoinPhase,
  maybePrepareRebalanceOrCompleteJoin,
  prepareRebalance,
  rescheduleHeartbeat,
} from './classic-rebalance.ts'
import { ClassicGroupState } from './group-state.ts'
import { newGroupMetadataRecord } from './records/group-records.ts'

const S = ClassicGroupState

/** Who sent the request (JoinGroup stores it with the member). */
export interface JoinContext {
  readonly clientId: string
  readonly clientHost: string
  readonly apiVersion: number
}

/** JoinGroup v4+ requires a known member id (KIP-394). */
const requiresKnownMemberId = (apiVersion: number): boolean => apiVersion >= 4
/** JoinGroup v9+ lets a restarted static leader skip the assignment (KIP-814). */
const supportsSkippingAssignment = (apiVersion: number): boolean => apiVersion >= 9

export function classicGroupJoin(
  c: ClassicContext,
  request: JoinGroupRequest,
  jc: JoinContext,
  respond: JoinCallback,
): GroupResult {
  const { groupId, memberId } = request
  if (c.hasNonClassicGroup(groupId)) {
    respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    return EMPTY_RESULT
  }
  const isUnknownMember = memberId === ''
  const existing = c.classicGroup(groupId)
  if (existing === undefined && !isUnknownMember) {
    respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    return EMPTY_RESULT
  }
  const group = existing ?? c.getOrCreateClassicGroup(groupId)
  if (!acceptJoiningMember(c, group, memberId)) {
    group.remove(memberId)
    respond(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED))
    return EMPTY_RESULT
  }
  if (isUnknownMember) return joinNewMember(c, group, request, jc, respond)
  return joinExistingMember(c, group, request, jc, respond)
}

function acceptJoiningMember(c: ClassicContext, group: ClassicGroup, memberId: string): boolean {
  const max = c.config.groupMaxSize
  switch (group.state) {
    case S.Empty:
    case S.Dead:
      return true
    case S.PreparingRebalance:
      return (group.members.get(memberId)?.isAwaitingJoin ?? false) || group.numAwaitingJoinResponse < max
    case S.CompletingRebalance:
    case S.Stable:
      return group.hasMember(memberId) || group.members.size < max
  }
}

const protocolNames = (request: JoinGroupRequest): string[] => request.protocols.map((p) => p.name)

function joinNewMember(
  c: ClassicContext,
  group: ClassicGroup,
  request: JoinGroupRequest,
  jc: JoinContext,
  respond: JoinCallback,
): GroupResult {
  if (group.is(S.Dead)) {
    respond(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE))
    return EMPTY_RESULT
  }
  if (!group.supportsProtocols(request.protocolType, protocolNames(request))) {
    respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    return EMPTY_RESULT
  }
  const newMemberId = `${request.groupInstanceId ?? jc.clientId}-${randomUUID()}`
  if (request.groupInstanceId !== null) {
    const existingMemberId = group.staticMemberId(request.groupInstanceId)
    if (existingMemberId !== undefined) {
      c.log.info(
        { groupId: group.groupId, groupInstanceId: request.groupInstanceId, state: group.state },
        'static member rejoins with an unknown member id, replacing the previous member id',
      )
      return updateStaticMember(c, group, request, jc, existingMemberId, newMemberId, respond)
    }
    return addMemberThenRebalanceOrCompleteJoin(c, group, request, jc, newMemberId, respond)
  }
  if (requiresKnownMemberId(jc.apiVersion)) {
    // Register the id and ask the client to join again with it.
    group.addPendingMember(newMemberId)
    const { groupId } = group
    c.timer.schedule(heartbeatKey(groupId, newMemberId), request.sessionTimeoutMs, () =>
      expireHeartbeat(c, groupId, newMemberId),
    )
    respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED))
    return EMPTY_RESULT
  }
  return addMemberThenRebalanceOrCompleteJoin(c, group, request, jc, newMemberId, respond)
}

function joinExistingMember(
  c: ClassicContext,
  group: ClassicGroup,
  request: JoinGroupRequest,
  jc: JoinContext,
  respond: JoinCallback,
): GroupResult {
  const { memberId } = request
  if (group.is(S.Dead)) {
    respond(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
    return EMPTY_RESULT
  }
  if (!group.supportsProtocols(request.protocolType, protocolNames(request))) {
    respond(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    return EMPTY_RESULT
  }
  if (group.isPendingMember(memberId)) {
    // A pending member (KIP-394) joins with its id; pending members are never static.
    return addMemberThenRebalanceOrCompleteJoin(c, group, request, jc, memberId, respond)
  }
  try {
    group.validateMember(memberId, request.groupInstanceId)
  } catch (err) {
    if (!(err instanceof KafkaProtocolError)) throw err
    respond(joinError(memberId, err.errorCode))
    return EMPTY_RESULT
  }
  const member = group.member(memberId)
  const update = (reason: string): GroupResult => {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond)
    return maybePrepareRebalanceOrCompleteJoin(c, group, reason)
  }
  switch (group.state) {
    case S.PreparingRebalance:
      return update(`member ${memberId} is joining group during PreparingRebalance`)
    case S.CompletingRebalance:
      if (!member.matches(request.protocols))
        return update(`updating metadata for member ${memberId} during CompletingRebalance`)
      // Same metadata (a lost JoinGroup response): answer with the current generation again.
      respond(
        joinResponse(group, memberId, ErrorCode.NONE, group.isLeader(memberId) ? group.currentMembersForLeader() : []),
      )
      return EMPTY_RESULT
    case S.Stable:
      if (group.isLeader(memberId)) return update(`leader ${memberId} re-joining group during Stable`)
      if (!member.matches(request.protocols)) return update(`updating metadata for member ${memberId} during Stable`)
      respond(joinResponse(group, memberId, ErrorCode.NONE))
      return EMPTY_RESULT
    default:
      c.log.warn({ groupId: group.groupId, memberId, state: group.state }, 'rejoining member in unexpected group state')
      respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
      return EMPTY_RESULT
  }
}

function addMemberThenRebalanceOrCompleteJoin(
  c: ClassicContext,
  group: ClassicGroup,
  request: JoinGroupRequest,
  jc: JoinContext,
  memberId: string,
  respond: JoinCallback,
): GroupResult {
  const member = new ClassicGroupMember({
    memberId,
    groupInstanceId: request.groupInstanceId,
    clientId: jc.clientId,
    clientHost: jc.clientHost,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    sessionTimeoutMs: request.sessionTimeoutMs,
    protocolType: request.protocolType,
    supportedProtocols: request.protocols,
  })
  member.isNew = true
  // Joining during the initial delay extends it.
  if (group.is(S.PreparingRebalance) && group.previousState === S.Empty) group.newMemberAdded = true
  group.add(member, respond)
  // New members cannot heartbeat while parked: their JoinGroup times out instead (Kafka: 5 minutes).
  rescheduleHeartbeat(c, group, member, c.config.groupNewMemberJoinTimeoutMs)
  return maybePrepareRebalanceOrCompleteJoin(
    c,
    group,
    `adding new member ${memberId} with group instance id ${request.groupInstanceId}`,
  )
}

/**
 * A static member restarted (unknown member id, known group.instance.id): it takes over the old member's
 * place. In Stable with an unchanged protocol there is no rebalance; the new member id is persisted and
 * the member gets the current generation (its old assignment comes with SyncGroup).
 */
function updateStaticMember(
  c: ClassicContext,
  group: ClassicGroup,
  request: JoinGroupRequest,
  jc: JoinContext,
  oldMemberId: string,
  newMemberId: string,
  respond: JoinCallback,
): GroupResult {
  const instanceId = request.groupInstanceId!
  const currentLeader = group.leaderId
  const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId)
  rescheduleHeartbeat(c, group, member)
  const old = {
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    sessionTimeoutMs: member.sessionTimeoutMs,
    protocols: member.supportedProtocols,
  }
  group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond)
  if (group.is(S.CompletingRebalance)) {
    // The leader may already be assigning with the old member id: rebalance.
    return prepareRebalance(
      c,
      group,
      `updating metadata for static member ${newMemberId} with instance id ${instanceId}`,
    )
  }
  if (!group.is(S.Stable)) return maybeCompleteJoinPhase(c, group)
  if (group.protocolName !== group.selectProtocol()) {
    return maybePrepareRebalanceOrCompleteJoin(
      c,
      group,
      `group's selected protocol will change because static member ${newMemberId} joined with a change of protocol`,
    )
  }
  const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]))
  return {
    records: [newGroupMetadataRecord(group, assignment)],
    response: undefined,
    replayRecords: false,
    onAppended: (err) => {
      if (err !== null) {
        // Revert to the old member id.
        group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null)
        const restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId)
        rescheduleHeartbeat(c, group, restored)
        respond({
          ...joinResponse(group, '', errorCodeOf(err)),
          leader: currentLeader ?? '',
        })
        return
      }
      const isLeader = group.isLeader(newMemberId)
      if (supportsSkippingAssignment(jc.apiVersion)) {
        const response = joinResponse(
          group,
          newMemberId,
          ErrorCode.NONE,
          isLeader ? group.currentMembersForLeader() : [],
        )
        group.completeJoin(member, { ...response, skipAssignment: isLeader })
      } else {
        group.completeJoin(member, { ...joinResponse(group, newMemberId, ErrorCode.NONE), leader: currentLeader ?? '' })
      }
    },
  }
}

function errorCodeOf(err: Error): number {
  return err instanceof KafkaProtocolError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
}
