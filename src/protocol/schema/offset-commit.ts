// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds timestamp and group membership information, as well as the commit timestamp.
//
// Version 2 adds retention time.  It removes the commit timestamp added in version 1.
//
// Version 3 and 4 are the same as version 2.
//
// Version 5 removes the retention time, which is now controlled only by a broker configuration.
//
// Version 6 adds the leader epoch for fencing.
//
// version 7 adds a new field called groupInstanceId to indicate member identity across restarts.
//
// Version 8 is the first flexible version.
//
// Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). The
// request is the same as version 8.
// CommitTimestamp has been removed from v2 and later.
export const OffsetCommitRequestSchema = {
  apiKey: 8,
  type: 'request',
  name: 'OffsetCommitRequest',
  validVersions: '0-9',
  flexibleVersions: '8+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+', entityType: 'groupId', about: 'The unique group identifier.' },
    {
      name: 'GenerationIdOrMemberEpoch',
      type: 'int32',
      versions: '1+',
      default: '-1',
      ignorable: true,
      about:
        'The generation of the group if using the classic group protocol or the member epoch if using the consumer protocol.',
    },
    {
      name: 'MemberId',
      type: 'string',
      versions: '1+',
      ignorable: true,
      about: 'The member ID assigned by the group coordinator.',
    },
    {
      name: 'GroupInstanceId',
      type: 'string',
      versions: '7+',
      nullableVersions: '7+',
      default: 'null',
      about: 'The unique identifier of the consumer instance provided by end user.',
    },
    {
      name: 'RetentionTimeMs',
      type: 'int64',
      versions: '2-4',
      default: '-1',
      ignorable: true,
      about: 'The time period in ms to retain the offset.',
    },
    {
      name: 'Topics',
      type: '[]OffsetCommitRequestTopic',
      versions: '0+',
      about: 'The topics to commit offsets for.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]OffsetCommitRequestPartition',
          versions: '0+',
          about: 'Each partition to commit offsets for.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            { name: 'CommittedOffset', type: 'int64', versions: '0+', about: 'The message offset to be committed.' },
            {
              name: 'CommittedLeaderEpoch',
              type: 'int32',
              versions: '6+',
              default: '-1',
              ignorable: true,
              about: 'The leader epoch of this partition.',
            },
            {
              name: 'CommitTimestamp',
              type: 'int64',
              versions: '1',
              default: '-1',
              about: 'The timestamp of the commit.',
            },
            {
              name: 'CommittedMetadata',
              type: 'string',
              versions: '0+',
              nullableVersions: '0+',
              about: 'Any associated metadata the client wants to keep.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Versions 1 and 2 are the same as version 0.
//
// Version 3 adds the throttle time to the response.
//
// Starting in version 4, on quota violation, brokers send out responses before throttling.
//
// Versions 5 and 6 are the same as version 4.
//
// Version 7 offsetCommitRequest supports a new field called groupInstanceId to indicate member identity across restarts.
//
// Version 8 is the first flexible version.
//
// Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). The response is
// the same as version 8 but can return STALE_MEMBER_EPOCH when the new consumer group protocol is used and
// GROUP_ID_NOT_FOUND when the group does not exist for both protocols.
// Supported errors:
// - GROUP_AUTHORIZATION_FAILED (version 0+)
// - NOT_COORDINATOR (version 0+)
// - COORDINATOR_NOT_AVAILABLE (version 0+)
// - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
// - ILLEGAL_GENERATION (version 1+)
// - UNKNOWN_MEMBER_ID (version 1+)
// - INVALID_COMMIT_OFFSET_SIZE (version 0+)
// - FENCED_MEMBER_EPOCH (version 7+)
// - GROUP_ID_NOT_FOUND (version 9+)
// - STALE_MEMBER_EPOCH (version 9+)
export const OffsetCommitResponseSchema = {
  apiKey: 8,
  type: 'response',
  name: 'OffsetCommitResponse',
  validVersions: '0-9',
  flexibleVersions: '8+',
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
      type: '[]OffsetCommitResponseTopic',
      versions: '0+',
      about: 'The responses for each topic.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]OffsetCommitResponsePartition',
          versions: '0+',
          about: 'The responses for each partition in the topic.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
