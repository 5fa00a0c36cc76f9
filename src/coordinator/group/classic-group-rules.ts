/**
 * Rules of classic groups kept out of the ClassicGroup class: offset commit validation and offset expiry
 * (Kafka's ClassicGroup.validateOffsetCommit and offsetExpirationCondition), and the responses that fence
 * a replaced static member.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { JoinGroupResponse } from '../../protocol/generated/join-group.ts'
import type { SyncGroupResponse } from '../../protocol/generated/sync-group.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import type { ClassicGroup } from './classic-group.ts'
import { ClassicGroupState } from './group-state.ts'
import type { OffsetAndMetadata } from './records/group-records.ts'

const S = ClassicGroupState

export function validateClassicOffsetCommit(
  group: ClassicGroup,
  memberId: string,
  groupInstanceId: string | null,
  generationId: number,
  isTransactional: boolean,
): void {
  if (group.is(S.Dead)) throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  // generation -1 from an admin client or a consumer without group management: only into an empty group.
  if (generationId < 0 && group.is(S.Empty)) return
  if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
    group.validateMember(memberId, groupInstanceId)
    if (generationId !== group.generationId) throw new KafkaProtocolError(ErrorCode.ILLEGAL_GENERATION)
  } else if (!isTransactional && !group.is(S.Empty)) {
    throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
  }
  // A member with a valid generation that has not finished syncing must rejoin gracefully.
  if (!isTransactional && group.is(S.CompletingRebalance)) throw new KafkaProtocolError(ErrorCode.REBALANCE_IN_PROGRESS)
}

/**
 * KIP-211: offsets of an Empty group expire retention after the group became empty; offsets of a
 * Stable consumer group for topics it no longer subscribes to expire from their commit; offsets of a
 * simple group (no protocol) from their commit. Null: none may expire now.
 */
export function classicOffsetExpirationBase(group: ClassicGroup): ((offset: OffsetAndMetadata) => number) | null {
  if (group.protocolType === null) return (o) => o.commitTimestampMs
  if (group.is(S.Empty)) {
    const since = group.currentStateTimestampMs
    return (o) => since ?? o.commitTimestampMs
  }
  if (group.usesConsumerProtocol && group.subscribedTopics !== null && group.is(S.Stable))
    return (o) => o.commitTimestampMs
  return null
}

export function fencedJoinResponse(memberId: string): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.FENCED_INSTANCE_ID,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  }
}

export function fencedSyncResponse(): SyncGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.FENCED_INSTANCE_ID,
    protocolType: null,
    protocolName: null,
    assignment: Buffer.alloc(0),
  }
}
