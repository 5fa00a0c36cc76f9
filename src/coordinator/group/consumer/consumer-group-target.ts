/**
 * Subscription metadata and target assignments of KIP-848 groups (Kafka's computeSubscriptionMetadata and
 * TargetAssignmentBuilder).
 */
import type { MetadataImage } from '../../../metadata/image/metadata-image.ts'
import { isInternalTopic } from '../../../metadata/topic-names.ts'
import { ErrorCode } from '../../../protocol/error-codes.ts'
import { KafkaProtocolError } from '../../../protocol/kafka-protocol-error.ts'
import type { MemberSpec, PartitionAssignor } from '../assignors/partition-assignor.ts'
import type { GroupCoordinatorRecord } from '../records/group-coordinator-record.ts'
import type { ConsumerGroup, TopicMetadata } from './consumer-group.ts'
import {
  type Assignment,
  assignmentEquals,
  type ConsumerGroupMember,
  EMPTY_ASSIGNMENT,
} from './consumer-group-member.ts'
import { targetAssignmentEpochRecord, targetAssignmentRecord } from './consumer-group-records.ts'

/** A subscription regex (SubscribedTopicRegex, v1) as a full-match JavaScript RegExp. */
export function compileRegex(regex: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})$`)
  } catch (err) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_REGULAR_EXPRESSION,
      `Invalid regular expression ${regex}: ${(err as Error).message}`,
    )
  }
}

/** The topics a member subscribes to: its names plus the existing (non-internal) topics its regex matches. */
export function memberTopics(m: ConsumerGroupMember, image: MetadataImage): Set<string> {
  const topics = new Set(m.subscribedTopicNames)
  if (m.subscribedTopicRegex !== null && m.subscribedTopicRegex !== '') {
    const re = compileRegex(m.subscribedTopicRegex)
    for (const name of image.topics.byName.keys()) if (!isInternalTopic(name) && re.test(name)) topics.add(name)
  }
  return topics
}

/** Id and partition count of every existing topic the members subscribe to. */
export function computeSubscriptionMetadata(
  members: Iterable<ConsumerGroupMember>,
  image: MetadataImage,
): Map<string, TopicMetadata> {
  const out = new Map<string, TopicMetadata>()
  for (const m of members) {
    for (const name of memberTopics(m, image)) {
      const t = image.topics.getTopic(name)
      if (t !== undefined) out.set(name, { topicId: t.topicId, topicName: name, numPartitions: t.partitions.size })
    }
  }
  return out
}

export function sameSubscriptionMetadata(
  a: ReadonlyMap<string, TopicMetadata>,
  b: ReadonlyMap<string, TopicMetadata>,
): boolean {
  if (a.size !== b.size) return false
  for (const [name, t] of a) {
    const o = b.get(name)
    if (o === undefined || o.topicId !== t.topicId || o.numPartitions !== t.numPartitions) return false
  }
  return true
}

export interface TargetAssignmentInput {
  readonly group: ConsumerGroup
  readonly groupEpoch: number
  /** The members as they will be: updated member in, replaced static member out. */
  readonly members: ReadonlyMap<string, ConsumerGroupMember>
  /** Member ids replacing others (static restart): new id → old id, whose target they inherit. */
  readonly replaced: ReadonlyMap<string, string>
  readonly subscriptionMetadata: ReadonlyMap<string, TopicMetadata>
  readonly assignor: PartitionAssignor
  readonly image: MetadataImage
}

/**
 * Computes the target assignment of `groupEpoch` and the records for it: one per member whose target
 * changed, then the target assignment epoch. Returns the new target of every member.
 */
export function updateTargetAssignment(
  input: TargetAssignmentInput,
  records: GroupCoordinatorRecord[],
): Map<string, Assignment> {
  const { group } = input
  const topicIdByName = new Map([...input.subscriptionMetadata.values()].map((t) => [t.topicName, t.topicId]))
  const specs = new Map<string, MemberSpec>()
  for (const m of input.members.values()) {
    const ids = new Set<string>()
    for (const name of memberTopics(m, input.image)) {
      const id = topicIdByName.get(name)
      if (id !== undefined) ids.add(id)
    }
    const previousId = input.replaced.get(m.memberId) ?? m.memberId
    specs.set(m.memberId, {
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      subscribedTopicIds: ids,
      currentAssignment: group.targetAssignmentOf(previousId),
    })
  }
  const partitionsByTopic = new Map([...input.subscriptionMetadata.values()].map((t) => [t.topicId, t.numPartitions]))
  const target = input.assignor.assign({ members: specs, partitionsByTopic })
  for (const memberId of input.members.keys()) {
    const next = target.get(memberId) ?? EMPTY_ASSIGNMENT
    if (!group.targetAssignment.has(memberId) || !assignmentEquals(group.targetAssignmentOf(memberId), next))
      records.push(targetAssignmentRecord(group.groupId, memberId, next))
  }
  records.push(targetAssignmentEpochRecord(group.groupId, input.groupEpoch))
  return target
}
