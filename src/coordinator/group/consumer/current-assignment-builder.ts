import { ErrorCode } from '../../../protocol/error-codes.ts'
import { KafkaProtocolError } from '../../../protocol/kafka-protocol-error.ts'
import { type Assignment, type ConsumerGroupMember, EMPTY_ASSIGNMENT, MemberState } from './consumer-group-member.ts'

/** Owned partitions reported by the member (null: not reported in this heartbeat). */
export type OwnedPartitions = readonly { topicId: string; partitions: readonly number[] }[] | null

export interface ReconcileInput {
  readonly targetAssignmentEpoch: number
  readonly targetAssignment: Assignment
  /** Epoch of the member owning a partition, -1 when free. */
  readonly currentPartitionEpoch: (topicId: string, partition: number) => number
  readonly ownedTopicPartitions: OwnedPartitions
}

function ownsAny(owned: OwnedPartitions, a: Assignment): boolean {
  if (owned === null) return true
  return owned.some((tp) => tp.partitions.some((p) => a.get(tp.topicId)?.has(p) === true))
}

/**
 * Moves a member's current assignment towards the target assignment (Kafka's CurrentAssignmentBuilder):
 * partitions leaving the member are first revoked (UNREVOKED_PARTITIONS, same epoch, until the member no
 * longer reports them); then the member moves to the target epoch and gets the new partitions that other
 * members released (UNRELEASED_PARTITIONS while some are still owned elsewhere).
 */
export function reconcile(member: ConsumerGroupMember, input: ReconcileInput): ConsumerGroupMember {
  switch (member.state) {
    case MemberState.Stable:
      if (member.memberEpoch === input.targetAssignmentEpoch) return member
      return computeNextAssignment(member, member.memberEpoch, input)
    case MemberState.UnrevokedPartitions:
      if (ownsAny(input.ownedTopicPartitions, member.partitionsPendingRevocation)) return member
      return computeNextAssignment(member, member.memberEpoch + 1, input)
    case MemberState.UnreleasedPartitions:
      return computeNextAssignment(member, member.memberEpoch, input)
    default:
      if (input.ownedTopicPartitions === null || input.ownedTopicPartitions.length > 0)
        throw new KafkaProtocolError(
          ErrorCode.FENCED_MEMBER_EPOCH,
          'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.',
        )
      return computeNextAssignment(member, input.targetAssignmentEpoch, input)
  }
}

function computeNextAssignment(
  member: ConsumerGroupMember,
  memberEpoch: number,
  input: ReconcileInput,
): ConsumerGroupMember {
  let hasUnreleased = false
  const assigned = new Map<string, Set<number>>()
  const pendingRevocation = new Map<string, Set<number>>()
  const pendingAssignment = new Map<string, Set<number>>()
  const topics = new Set([...input.targetAssignment.keys(), ...member.assignedPartitions.keys()])
  for (const topicId of topics) {
    const target = input.targetAssignment.get(topicId) ?? new Set<number>()
    const current = member.assignedPartitions.get(topicId) ?? new Set<number>()
    const kept = new Set([...current].filter((p) => target.has(p)))
    const revoke = new Set([...current].filter((p) => !kept.has(p)))
    const toAssign = new Set<number>()
    for (const p of target) {
      if (kept.has(p)) continue
      if (input.currentPartitionEpoch(topicId, p) !== -1) hasUnreleased = true
      else toAssign.add(p)
    }
    if (kept.size > 0) assigned.set(topicId, kept)
    if (revoke.size > 0) pendingRevocation.set(topicId, revoke)
    if (toAssign.size > 0) pendingAssignment.set(topicId, toAssign)
  }
  const next = (state: MemberState, epoch: number, a: Assignment, revoking: Assignment): ConsumerGroupMember => ({
    ...member,
    state,
    previousMemberEpoch: member.memberEpoch,
    memberEpoch: epoch,
    assignedPartitions: a,
    partitionsPendingRevocation: revoking,
  })
  if (pendingRevocation.size > 0 && ownsAny(input.ownedTopicPartitions, pendingRevocation)) {
    return next(MemberState.UnrevokedPartitions, memberEpoch, assigned, pendingRevocation)
  }
  if (pendingAssignment.size > 0) {
    for (const [topicId, ps] of pendingAssignment) {
      const s = assigned.get(topicId) ?? new Set<number>()
      for (const p of ps) s.add(p)
      assigned.set(topicId, s)
    }
    const state = hasUnreleased ? MemberState.UnreleasedPartitions : MemberState.Stable
    return next(state, input.targetAssignmentEpoch, assigned, EMPTY_ASSIGNMENT)
  }
  const state = hasUnreleased ? MemberState.UnreleasedPartitions : MemberState.Stable
  return next(state, input.targetAssignmentEpoch, assigned, EMPTY_ASSIGNMENT)
}
