import type { MetadataImage } from '../../../metadata/image/metadata-image.ts'
import { ErrorCode } from '../../../protocol/error-codes.ts'
import type {
  ConsumerGroupDescribeResponseAssignment,
  ConsumerGroupDescribeResponseDescribedGroup,
} from '../../../protocol/generated/consumer-group-describe.ts'
import type { PartitionAssignor } from '../assignors/partition-assignor.ts'
import type { AnyGroup } from '../group-metadata-manager.ts'
import { ConsumerGroup } from './consumer-group.ts'
import { type Assignment, toTopicPartitions } from './consumer-group-member.ts'

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648

function describeAssignment(a: Assignment, image: MetadataImage): ConsumerGroupDescribeResponseAssignment {
  return {
    topicPartitions: toTopicPartitions(a).map((tp) => ({
      topicId: tp.topicId,
      topicName: image.topics.getTopicById(tp.topicId)?.name ?? '',
      partitions: tp.partitions,
    })),
  }
}

export function describeError(groupId: string, errorCode: number, errorMessage: string | null) {
  const d: ConsumerGroupDescribeResponseDescribedGroup = {
    errorCode,
    errorMessage,
    groupId,
    groupState: '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }
  return d
}

/** ConsumerGroupDescribe of one group (Kafka's ConsumerGroup.asDescribedGroup). */
export function describeConsumerGroup(
  groupId: string,
  group: AnyGroup | undefined,
  image: MetadataImage,
  preferredAssignor: (g: ConsumerGroup) => PartitionAssignor,
): ConsumerGroupDescribeResponseDescribedGroup {
  if (!(group instanceof ConsumerGroup))
    return describeError(groupId, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`)
  return {
    ...describeError(groupId, ErrorCode.NONE, null),
    groupState: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: preferredAssignor(group).name,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: describeAssignment(m.assignedPartitions, image),
      targetAssignment: describeAssignment(group.targetAssignmentOf(m.memberId), image),
    })),
  }
}
