/**
 * The KIP-848 `__consumer_offsets` records (Kafka's GroupCoordinatorRecordHelpers, consumer part) and their
 * replay into the groups (Kafka's GroupMetadataManager.replay overloads).
 */
import type { GroupCoordinatorRecord, RecordOf } from '../records/group-coordinator-record.ts'
import type { ConsumerGroup, TopicMetadata } from './consumer-group.ts'
import {
  type Assignment,
  type ConsumerGroupMember,
  EMPTY_ASSIGNMENT,
  fromTopicPartitions,
  LEAVE_GROUP_MEMBER_EPOCH,
  type MemberState,
  newConsumerGroupMember,
  toTopicPartitions,
} from './consumer-group-member.ts'

const V0 = 0

export function groupEpochRecord(groupId: string, epoch: number): RecordOf<'ConsumerGroupMetadata'> {
  return { type: 'ConsumerGroupMetadata', key: { groupId }, value: { epoch }, valueVersion: V0 }
}

export function groupEpochTombstone(groupId: string): RecordOf<'ConsumerGroupMetadata'> {
  return { type: 'ConsumerGroupMetadata', key: { groupId }, value: null, valueVersion: -1 }
}

export function subscriptionMetadataRecord(
  groupId: string,
  metadata: ReadonlyMap<string, TopicMetadata>,
): RecordOf<'ConsumerGroupPartitionMetadata'> {
  const topics = [...metadata.values()]
    .sort((a, b) => (a.topicName < b.topicName ? -1 : 1))
    .map((t) => ({ topicId: t.topicId, topicName: t.topicName, numPartitions: t.numPartitions, partitionMetadata: [] }))
  return { type: 'ConsumerGroupPartitionMetadata', key: { groupId }, value: { topics }, valueVersion: V0 }
}

export function subscriptionMetadataTombstone(groupId: string): RecordOf<'ConsumerGroupPartitionMetadata'> {
  return { type: 'ConsumerGroupPartitionMetadata', key: { groupId }, value: null, valueVersion: -1 }
}

export function memberSubscriptionRecord(
  groupId: string,
  m: ConsumerGroupMember,
): RecordOf<'ConsumerGroupMemberMetadata'> {
  return {
    type: 'ConsumerGroupMemberMetadata',
    key: { groupId, memberId: m.memberId },
    value: {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignorName,
      classicMemberMetadata: null,
    },
    valueVersion: V0,
  }
}

export function memberSubscriptionTombstone(
  groupId: string,
  memberId: string,
): RecordOf<'ConsumerGroupMemberMetadata'> {
  return { type: 'ConsumerGroupMemberMetadata', key: { groupId, memberId }, value: null, valueVersion: -1 }
}

export function targetAssignmentRecord(
  groupId: string,
  memberId: string,
  a: Assignment,
): RecordOf<'ConsumerGroupTargetAssignmentMember'> {
  return {
    type: 'ConsumerGroupTargetAssignmentMember',
    key: { groupId, memberId },
    value: { topicPartitions: toTopicPartitions(a) },
    valueVersion: V0,
  }
}

export function targetAssignmentTombstone(
  groupId: string,
  memberId: string,
): RecordOf<'ConsumerGroupTargetAssignmentMember'> {
  return { type: 'ConsumerGroupTargetAssignmentMember', key: { groupId, memberId }, value: null, valueVersion: -1 }
}

export function targetAssignmentEpochRecord(
  groupId: string,
  epoch: number,
): RecordOf<'ConsumerGroupTargetAssignmentMetadata'> {
  return {
    type: 'ConsumerGroupTargetAssignmentMetadata',
    key: { groupId },
    value: { assignmentEpoch: epoch },
    valueVersion: V0,
  }
}

export function targetAssignmentEpochTombstone(groupId: string): RecordOf<'ConsumerGroupTargetAssignmentMetadata'> {
  return { type: 'ConsumerGroupTargetAssignmentMetadata', key: { groupId }, value: null, valueVersion: -1 }
}

export function currentAssignmentRecord(
  groupId: string,
  m: ConsumerGroupMember,
): RecordOf<'ConsumerGroupCurrentMemberAssignment'> {
  return {
    type: 'ConsumerGroupCurrentMemberAssignment',
    key: { groupId, memberId: m.memberId },
    value: {
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assignedPartitions: toTopicPartitions(m.assignedPartitions),
      partitionsPendingRevocation: toTopicPartitions(m.partitionsPendingRevocation),
    },
    valueVersion: V0,
  }
}

export function currentAssignmentTombstone(
  groupId: string,
  memberId: string,
): RecordOf<'ConsumerGroupCurrentMemberAssignment'> {
  return { type: 'ConsumerGroupCurrentMemberAssignment', key: { groupId, memberId }, value: null, valueVersion: -1 }
}

/** The three tombstones that remove a member (Kafka's removeMember). */
export function removeMemberRecords(groupId: string, memberId: string): GroupCoordinatorRecord[] {
  return [
    currentAssignmentTombstone(groupId, memberId),
    targetAssignmentTombstone(groupId, memberId),
    memberSubscriptionTombstone(groupId, memberId),
  ]
}

/** Where replay finds (or creates) consumer groups. */
export interface ConsumerGroups {
  /** The consumer group, created when `create` (replacing a simple classic group); undefined otherwise. */
  consumerGroup(groupId: string, create: boolean): ConsumerGroup | undefined
  removeGroup(groupId: string): void
}

/** Applies one KIP-848 record. */
export function replayConsumerGroupRecord(groups: ConsumerGroups, record: GroupCoordinatorRecord): void {
  const groupId = (record.key as { groupId: string }).groupId
  const group = groups.consumerGroup(groupId, record.value !== null)
  if (group === undefined) return
  switch (record.type) {
    case 'ConsumerGroupMetadata':
      if (record.value === null) groups.removeGroup(groupId)
      else group.groupEpoch = record.value.epoch
      return
    case 'ConsumerGroupPartitionMetadata':
      group.subscriptionMetadata = new Map(
        (record.value?.topics ?? []).map((t) => [
          t.topicName,
          { topicId: t.topicId, topicName: t.topicName, numPartitions: t.numPartitions },
        ]),
      )
      return
    case 'ConsumerGroupMemberMetadata':
      replayMemberMetadata(group, record)
      return
    case 'ConsumerGroupTargetAssignmentMetadata':
      group.assignmentEpoch = record.value === null ? -1 : record.value.assignmentEpoch
      return
    case 'ConsumerGroupTargetAssignmentMember':
      if (record.value === null) group.targetAssignment.delete(record.key.memberId)
      else group.targetAssignment.set(record.key.memberId, fromTopicPartitions(record.value.topicPartitions))
      return
    case 'ConsumerGroupCurrentMemberAssignment':
      replayCurrentAssignment(group, record)
      return
    default:
      return
  }
}

function replayMemberMetadata(group: ConsumerGroup, record: RecordOf<'ConsumerGroupMemberMetadata'>): void {
  const { memberId } = record.key
  const v = record.value
  if (v === null) {
    group.removeMember(memberId)
    return
  }
  const old = group.members.get(memberId) ?? newConsumerGroupMember(memberId)
  group.updateMember({
    ...old,
    instanceId: v.instanceId,
    rackId: v.rackId,
    clientId: v.clientId,
    clientHost: v.clientHost,
    subscribedTopicNames: v.subscribedTopicNames,
    subscribedTopicRegex: v.subscribedTopicRegex,
    rebalanceTimeoutMs: v.rebalanceTimeoutMs,
    serverAssignorName: v.serverAssignor,
  })
}

function replayCurrentAssignment(group: ConsumerGroup, record: RecordOf<'ConsumerGroupCurrentMemberAssignment'>): void {
  const { memberId } = record.key
  const v = record.value
  const old = group.members.get(memberId)
  if (v === null) {
    if (old === undefined) return
    group.updateMember({
      ...old,
      memberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
      previousMemberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
      assignedPartitions: EMPTY_ASSIGNMENT,
      partitionsPendingRevocation: EMPTY_ASSIGNMENT,
    })
    return
  }
  group.updateMember({
    ...(old ?? newConsumerGroupMember(memberId)),
    memberEpoch: v.memberEpoch,
    previousMemberEpoch: v.previousMemberEpoch,
    state: v.state as MemberState,
    assignedPartitions: fromTopicPartitions(v.assignedPartitions),
    partitionsPendingRevocation: fromTopicPartitions(v.partitionsPendingRevocation),
  })
}
