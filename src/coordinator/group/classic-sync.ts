/**
 * SyncGroup and Heartbeat for classic groups (Kafka's classicGroupSyncToClassicGroup and
 * classicGroupHeartbeatToClassicGroup). A follower's SyncGroup stays parked until the leader's
 * assignment is written; it is never answered with an empty assignment while the leader's is pending.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { HeartbeatRequest } from '../../protocol/generated/heartbeat.ts'
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/generated/sync-group.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { type ClassicContext, EMPTY_RESULT, type GroupResult, syncKey } from './classic-context.ts'
import type { ClassicGroup } from './classic-group.ts'
import { EMPTY_ASSIGNMENT, type SyncCallback } from './classic-group-member.ts'
import {
  maybePrepareRebalanceOrCompleteJoin,
  rescheduleHeartbeat,
  resetAndPropagateAssignmentWithError,
  setAndPropagateAssignment,
} from './classic-rebalance.ts'
import { ClassicGroupState } from './group-state.ts'
import { newGroupMetadataRecord } from './records/group-records.ts'

const S = ClassicGroupState

export function syncError(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT }
}

const inconsistent = (requested: string | null, actual: string | null): boolean =>
  requested !== null && actual !== null && requested !== actual

function validateSync(group: ClassicGroup, request: SyncGroupRequest): number {
  if (group.is(S.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  try {
    group.validateMember(request.memberId, request.groupInstanceId)
  } catch (err) {
    if (err instanceof KafkaProtocolError) return err.errorCode
    throw err
  }
  if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
  if (inconsistent(request.protocolType, group.protocolType) || inconsistent(request.protocolName, group.protocolName))
    return ErrorCode.INCONSISTENT_GROUP_PROTOCOL
  return ErrorCode.NONE
}

export function classicGroupSync(c: ClassicContext, request: SyncGroupRequest, respond: SyncCallback): GroupResult {
  const group = c.classicGroup(request.groupId)
  if (group === undefined || group.is(S.Empty)) {
    respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    return EMPTY_RESULT
  }
  const error = validateSync(group, request)
  if (error !== ErrorCode.NONE) {
    respond(syncError(error))
    return EMPTY_RESULT
  }
  const { memberId } = request
  if (group.is(S.PreparingRebalance)) {
    respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
    return EMPTY_RESULT
  }
  if (group.is(S.Stable)) {
    removePendingSyncMember(c, group, memberId)
    respond({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: group.member(memberId).assignment,
    })
    return EMPTY_RESULT
  }
  // CompletingRebalance: park until the leader's assignment is written.
  group.member(memberId).awaitingSync = respond
  removePendingSyncMember(c, group, memberId)
  if (!group.isLeader(memberId)) return EMPTY_RESULT
  return storeLeaderAssignment(c, group, request)
}

function storeLeaderAssignment(c: ClassicContext, group: ClassicGroup, request: SyncGroupRequest): GroupResult {
  const assignment = new Map<string, Buffer>()
  for (const a of request.assignments) assignment.set(a.memberId, a.assignment)
  const missing: string[] = []
  for (const m of group.members.values()) {
    if (assignment.has(m.memberId)) continue
    assignment.set(m.memberId, EMPTY_ASSIGNMENT)
    missing.push(m.memberId)
  }
  const { groupId, generationId } = group
  c.log.info(
    {
      groupId,
      generationId,
      leader: request.memberId,
      members: group.members.size,
      staticMembers: group.staticMemberCount,
    },
    'assignment received from leader',
  )
  if (missing.length > 0) c.log.warn({ groupId, generationId, memberIds: missing }, 'setting empty assignments')
  return {
    records: [newGroupMetadataRecord(group, assignment)],
    response: undefined,
    replayRecords: false,
    onAppended: (err) => {
      // Another member may have joined meanwhile: only the same generation, still completing, moves on.
      if (!group.is(S.CompletingRebalance) || group.generationId !== generationId) return
      if (err !== null) {
        const code = err instanceof KafkaProtocolError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
        resetAndPropagateAssignmentWithError(group, code, c)
        maybePrepareRebalanceOrCompleteJoin(c, group, `error ${code} when storing group assignment during SyncGroup`)
        return
      }
      setAndPropagateAssignment(c, group, assignment)
      group.transitionTo(S.Stable)
    },
  }
}

function removePendingSyncMember(c: ClassicContext, group: ClassicGroup, memberId: string): void {
  group.removePendingSyncMember(memberId)
  if (group.hasReceivedSyncFromAllMembers) c.timer.cancel(syncKey(group.groupId))
}

/** Heartbeat: keeps the session alive; during a rebalance it answers REBALANCE_IN_PROGRESS. */
export function classicGroupHeartbeat(c: ClassicContext, request: HeartbeatRequest): GroupResult<number> {
  const group = c.classicGroup(request.groupId)
  if (group === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
  if (group.is(S.Dead)) throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  group.validateMember(request.memberId, request.groupInstanceId)
  if (request.generationId !== group.generationId) throw new KafkaProtocolError(ErrorCode.ILLEGAL_GENERATION)
  const answer = (errorCode: number): GroupResult<number> => ({
    records: [],
    response: errorCode,
    replayRecords: false,
  })
  switch (group.state) {
    case S.PreparingRebalance:
      rescheduleHeartbeat(c, group, group.member(request.memberId))
      return answer(ErrorCode.REBALANCE_IN_PROGRESS)
    case S.CompletingRebalance:
    case S.Stable:
      // Members may heartbeat between their JoinGroup and SyncGroup responses.
      rescheduleHeartbeat(c, group, group.member(request.memberId))
      return answer(ErrorCode.NONE)
    default:
      return answer(ErrorCode.UNKNOWN_MEMBER_ID)
  }
}
