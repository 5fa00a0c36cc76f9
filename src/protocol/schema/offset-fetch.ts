// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// In version 0, the request read offsets from ZK.
//
// Starting in version 1, the broker supports fetching offsets from the internal __consumer_offsets topic.
//
// Starting in version 2, the request can contain a null topics array to indicate that offsets
// for all topics should be fetched. It also returns a top level error code
// for group or coordinator level errors.
//
// Version 3, 4, and 5 are the same as version 2.
//
// Version 6 is the first flexible version.
//
// Version 7 is adding the require stable flag.
//
// Version 8 is adding support for fetching offsets for multiple groups at a time.
//
// Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). It adds
// the MemberId and MemberEpoch fields. Those are filled in and validated when the new consumer protocol is used.
export const OffsetFetchRequestSchema = {
  apiKey: 9,
  type: 'request',
  name: 'OffsetFetchRequest',
  validVersions: '0-9',
  flexibleVersions: '6+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'GroupId',
      type: 'string',
      versions: '0-7',
      entityType: 'groupId',
      about: 'The group to fetch offsets for.',
    },
    {
      name: 'Topics',
      type: '[]OffsetFetchRequestTopic',
      versions: '0-7',
      nullableVersions: '2-7',
      about: 'Each topic we would like to fetch offsets for, or null to fetch offsets for all topics.',
      fields: [
        { name: 'Name', type: 'string', versions: '0-7', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'PartitionIndexes',
          type: '[]int32',
          versions: '0-7',
          about: 'The partition indexes we would like to fetch offsets for.',
        },
      ],
    },
    {
      name: 'Groups',
      type: '[]OffsetFetchRequestGroup',
      versions: '8+',
      about: 'Each group we would like to fetch offsets for',
      fields: [
        { name: 'GroupId', type: 'string', versions: '8+', entityType: 'groupId', about: 'The group ID.' },
        {
          name: 'MemberId',
          type: 'string',
          versions: '9+',
          nullableVersions: '9+',
          default: 'null',
          ignorable: true,
          about: 'The member ID assigned by the group coordinator if using the new consumer protocol (KIP-848).',
        },
        {
          name: 'MemberEpoch',
          type: 'int32',
          versions: '9+',
          default: '-1',
          ignorable: true,
          about: 'The member epoch if using the new consumer protocol (KIP-848).',
        },
        {
          name: 'Topics',
          type: '[]OffsetFetchRequestTopics',
          versions: '8+',
          nullableVersions: '8+',
          about: 'Each topic we would like to fetch offsets for, or null to fetch offsets for all topics.',
          fields: [
            { name: 'Name', type: 'string', versions: '8+', entityType: 'topicName', about: 'The topic name.' },
            {
              name: 'PartitionIndexes',
              type: '[]int32',
              versions: '8+',
              about: 'The partition indexes we would like to fetch offsets for.',
            },
          ],
        },
      ],
    },
    {
      name: 'RequireStable',
      type: 'bool',
      versions: '7+',
      default: 'false',
      about:
        'Whether broker should hold on returning unstable offsets but set a retriable error code for the partitions.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 is the same as version 0.
//
// Version 2 adds a top-level error code.
//
// Version 3 adds the throttle time.
//
// Starting in version 4, on quota violation, brokers send out responses before throttling.
//
// Version 5 adds the leader epoch to the committed offset.
//
// Version 6 is the first flexible version.
//
// Version 7 adds pending offset commit as new error response on partition level.
//
// Version 8 is adding support for fetching offsets for multiple groups
//
// Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). The response is
// the same as version 8 but can return STALE_MEMBER_EPOCH and UNKNOWN_MEMBER_ID errors when the new consumer group
// protocol is used.
// Supported errors:
// - GROUP_AUTHORIZATION_FAILED (version 0+)
// - NOT_COORDINATOR (version 0+)
// - COORDINATOR_NOT_AVAILABLE (version 0+)
// - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
// - GROUP_ID_NOT_FOUND (version 0+)
// - UNSTABLE_OFFSET_COMMIT (version 7+)
// - UNKNOWN_MEMBER_ID (version 9+)
// - STALE_MEMBER_EPOCH (version 9+)
export const OffsetFetchResponseSchema = {
  apiKey: 9,
  type: 'response',
  name: 'OffsetFetchResponse',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '3+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Topics',
      type: '[]OffsetFetchResponseTopic',
      versions: '0-7',
      about: 'The responses per topic.',
      fields: [
        { name: 'Name', type: 'string', versions: '0-7', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]OffsetFetchResponsePartition',
          versions: '0-7',
          about: 'The responses per partition',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0-7', about: 'The partition index.' },
            { name: 'CommittedOffset', type: 'int64', versions: '0-7', about: 'The committed message offset.' },
            {
              name: 'CommittedLeaderEpoch',
              type: 'int32',
              versions: '5-7',
              default: '-1',
              ignorable: true,
              about: 'The leader epoch.',
            },
            {
              name: 'Metadata',
              type: 'string',
              versions: '0-7',
              nullableVersions: '0-7',
              about: 'The partition metadata.',
            },
            { name: 'ErrorCode', type: 'int16', versions: '0-7', about: 'The error code, or 0 if there was no error.' },
          ],
        },
      ],
    },
    {
      name: 'ErrorCode',
      type: 'int16',
      versions: '2-7',
      default: '0',
      ignorable: true,
      about: 'The top-level error code, or 0 if there was no error.',
    },
    {
      name: 'Groups',
      type: '[]OffsetFetchResponseGroup',
      versions: '8+',
      about: 'The responses per group id.',
      fields: [
        { name: 'GroupId', type: 'string', versions: '8+', entityType: 'groupId', about: 'The group ID.' },
        {
          name: 'Topics',
          type: '[]OffsetFetchResponseTopics',
          versions: '8+',
          about: 'The responses per topic.',
          fields: [
            { name: 'Name', type: 'string', versions: '8+', entityType: 'topicName', about: 'The topic name.' },
            {
              name: 'Partitions',
              type: '[]OffsetFetchResponsePartitions',
              versions: '8+',
              about: 'The responses per partition',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '8+', about: 'The partition index.' },
                { name: 'CommittedOffset', type: 'int64', versions: '8+', about: 'The committed message offset.' },
                {
                  name: 'CommittedLeaderEpoch',
                  type: 'int32',
                  versions: '8+',
                  default: '-1',
                  ignorable: true,
                  about: 'The leader epoch.',
                },
                {
                  name: 'Metadata',
                  type: 'string',
                  versions: '8+',
                  nullableVersions: '8+',
                  about: 'The partition metadata.',
                },
                {
                  name: 'ErrorCode',
                  type: 'int16',
                  versions: '8+',
                  about: 'The partition-level error code, or 0 if there was no error.',
                },
              ],
            },
          ],
        },
        {
          name: 'ErrorCode',
          type: 'int16',
          versions: '8+',
          default: '0',
          about: 'The group-level error code, or 0 if there was no error.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
