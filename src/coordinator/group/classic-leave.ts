/**
 * LeaveGroup for classic groups (Kafka's classicGroupLeaveToClassicGroup): members leave by member id,
 * or (admin removal, KIP-345) by group.instance.id with an empty member id; v3+ batches several members,
 * each answered on its own.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import type {
  LeaveGroupRequestMemberIdentity,
  LeaveGroupResponseMemberResponse,
} from '../../protocol/generated/leave-group.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import { type ClassicContext, EMPTY_RESULT, type GroupResult, heartbeatKey } from './classic-context.ts'
import type { ClassicGroup } from './classic-group.ts'
import { joinError, maybeCompleteJoinPhase, maybePrepareRebalanceOrCompleteJoin } from './classic-rebalance.ts'
import { ClassicGroupState } from './group-state.ts'

const S = ClassicGroupState

export interface LeaveResult {
  /** Group-level error (COORDINATOR_NOT_AVAILABLE for a dead group), NONE otherwise. */
  readonly errorCode: number
  readonly members: LeaveGroupResponseMemberResponse[]
}

export function classicGroupLeave(
  c: ClassicContext,
  groupId: string,
  members: readonly LeaveGroupRequestMemberIdentity[],
): GroupResult<LeaveResult> {
  const group = c.classicGroup(groupId)
  if (group === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
  if (group.is(S.Dead)) {
    return {
      records: [],
      response: { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] },
      replayRecords: false,
    }
  }
  const responses = members.map((m) => leaveOne(c, group, m))
  const left = responses.filter((r) => r.errorCode === ErrorCode.NONE).map((r) => r.memberId)
  let result = EMPTY_RESULT
  if (left.length > 0) {
    const reason = `explicit LeaveGroup request for (${left.join(', ')}) members`
    if (group.is(S.Stable) || group.is(S.CompletingRebalance))
      result = maybePrepareRebalanceOrCompleteJoin(c, group, reason)
    else if (group.is(S.PreparingRebalance)) result = maybeCompleteJoinPhase(c, group)
  }
  return { ...result, response: { errorCode: ErrorCode.NONE, members: responses } }
}

function leaveOne(
  c: ClassicContext,
  group: ClassicGroup,
  m: LeaveGroupRequestMemberIdentity,
): LeaveGroupResponseMemberResponse {
  const response = (errorCode: number): LeaveGroupResponseMemberResponse => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    errorCode,
  })
  const reason = m.reason ?? 'not provided'
  if (m.memberId === '') {
    const memberId = m.groupInstanceId === null ? undefined : group.staticMemberId(m.groupInstanceId)
    if (memberId === undefined) return response(ErrorCode.UNKNOWN_MEMBER_ID)
    removeMember(c, group, memberId, reason)
    return response(ErrorCode.NONE)
  }
  if (group.isPendingMember(m.memberId)) {
    group.remove(m.memberId)
    c.timer.cancel(heartbeatKey(group.groupId, m.memberId))
    c.log.info({ groupId: group.groupId, memberId: m.memberId, reason }, 'pending member left group')
    return response(ErrorCode.NONE)
  }
  try {
    group.validateMember(m.memberId, m.groupInstanceId)
  } catch (err) {
    if (err instanceof KafkaProtocolError) return response(err.errorCode)
    throw err
  }
  removeMember(c, group, m.memberId, reason)
  return response(ErrorCode.NONE)
}

function removeMember(c: ClassicContext, group: ClassicGroup, memberId: string, reason: string): void {
  const member = group.member(memberId)
  c.timer.cancel(heartbeatKey(group.groupId, memberId))
  c.log.info({ groupId: group.groupId, memberId, reason }, 'member left group')
  // A parked JoinGroup of the leaving member is answered so a still-running client rejoins.
  group.completeJoin(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID))
  group.remove(memberId)
}
