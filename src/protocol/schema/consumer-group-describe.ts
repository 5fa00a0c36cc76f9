// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const ConsumerGroupDescribeRequestSchema = {
  apiKey: 69,
  type: 'request',
  name: 'ConsumerGroupDescribeRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'GroupIds',
      type: '[]string',
      versions: '0+',
      entityType: 'groupId',
      about: 'The ids of the groups to describe',
    },
    {
      name: 'IncludeAuthorizedOperations',
      type: 'bool',
      versions: '0+',
      about: 'Whether to include authorized operations.',
    },
  ],
} as const satisfies MessageSchema

// Supported errors:
// - GROUP_AUTHORIZATION_FAILED (version 0+)
// - NOT_COORDINATOR (version 0+)
// - COORDINATOR_NOT_AVAILABLE (version 0+)
// - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
// - INVALID_REQUEST (version 0+)
// - INVALID_GROUP_ID (version 0+)
// - GROUP_ID_NOT_FOUND (version 0+)
export const ConsumerGroupDescribeResponseSchema = {
  apiKey: 69,
  type: 'response',
  name: 'ConsumerGroupDescribeResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Groups',
      type: '[]DescribedGroup',
      versions: '0+',
      about: 'Each described group.',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The describe error, or 0 if there was no error.' },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          default: 'null',
          about: 'The top-level error message, or null if there was no error.',
        },
        { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The group ID string.' },
        { name: 'GroupState', type: 'string', versions: '0+', about: 'The group state string, or the empty string.' },
        { name: 'GroupEpoch', type: 'int32', versions: '0+', about: 'The group epoch.' },
        { name: 'AssignmentEpoch', type: 'int32', versions: '0+', about: 'The assignment epoch.' },
        { name: 'AssignorName', type: 'string', versions: '0+', about: 'The selected assignor.' },
        {
          name: 'Members',
          type: '[]Member',
          versions: '0+',
          about: 'The members.',
          fields: [
            { name: 'MemberId', type: 'string', versions: '0+', about: 'The member ID.' },
            {
              name: 'InstanceId',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              default: 'null',
              about: 'The member instance ID.',
            },
            {
              name: 'RackId',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              default: 'null',
              about: 'The member rack ID.',
            },
            { name: 'MemberEpoch', type: 'int32', versions: '0+', about: 'The current member epoch.' },
            { name: 'ClientId', type: 'string', versions: '0+', about: 'The client ID.' },
            { name: 'ClientHost', type: 'string', versions: '0+', about: 'The client host.' },
            {
              name: 'SubscribedTopicNames',
              type: '[]string',
              versions: '0+',
              entityType: 'topicName',
              about: 'The subscribed topic names.',
            },
            {
              name: 'SubscribedTopicRegex',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              default: 'null',
              about: 'the subscribed topic regex otherwise or null of not provided.',
            },
            { name: 'Assignment', type: 'Assignment', versions: '0+', about: 'The current assignment.' },
            { name: 'TargetAssignment', type: 'Assignment', versions: '0+', about: 'The target assignment.' },
          ],
        },
        {
          name: 'AuthorizedOperations',
          type: 'int32',
          versions: '0+',
          default: '-2147483648',
          about: '32-bit bitfield to represent authorized operations for this group.',
        },
      ],
    },
  ],
  commonStructs: [
    {
      name: 'TopicPartitions',
      versions: '0+',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '0+', about: 'The topic ID.' },
        { name: 'TopicName', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        { name: 'Partitions', type: '[]int32', versions: '0+', about: 'The partitions.' },
      ],
    },
    {
      name: 'Assignment',
      versions: '0+',
      fields: [
        {
          name: 'TopicPartitions',
          type: '[]TopicPartitions',
          versions: '0+',
          about: 'The assigned topic-partitions to the member.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
