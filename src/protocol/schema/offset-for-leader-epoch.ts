// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 adds the current leader epoch to support fencing.
//
// Version 3 adds ReplicaId (the default is -2 which conventionally represents a
//    "debug" consumer which is allowed to see offsets beyond the high watermark).
//    Followers will use this replicaId when using an older version of the protocol.
//
// Version 4 enables flexible versions.
export const OffsetForLeaderEpochRequestSchema = {
  apiKey: 23,
  type: 'request',
  name: 'OffsetForLeaderEpochRequest',
  validVersions: '0-4',
  flexibleVersions: '4+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'ReplicaId',
      type: 'int32',
      versions: '3+',
      default: '-2',
      entityType: 'brokerId',
      ignorable: true,
      about: 'The broker ID of the follower, of -1 if this request is from a consumer.',
    },
    {
      name: 'Topics',
      type: '[]OffsetForLeaderTopic',
      versions: '0+',
      about: 'Each topic to get offsets for.',
      fields: [
        {
          name: 'Topic',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name.',
        },
        {
          name: 'Partitions',
          type: '[]OffsetForLeaderPartition',
          versions: '0+',
          about: 'Each partition to get offsets for.',
          fields: [
            { name: 'Partition', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'CurrentLeaderEpoch',
              type: 'int32',
              versions: '2+',
              default: '-1',
              ignorable: true,
              about:
                'An epoch used to fence consumers/replicas with old metadata. If the epoch provided by the client is larger than the current epoch known to the broker, then the UNKNOWN_LEADER_EPOCH error code will be returned. If the provided epoch is smaller, then the FENCED_LEADER_EPOCH error code will be returned.',
            },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+', about: 'The epoch to look up an offset for.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 added the leader epoch to the response.
//
// Version 2 added the throttle time.
//
// Version 3 is the same as version 2.
//
// Version 4 enables flexible versions.
export const OffsetForLeaderEpochResponseSchema = {
  apiKey: 23,
  type: 'response',
  name: 'OffsetForLeaderEpochResponse',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '2+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Topics',
      type: '[]OffsetForLeaderTopicResult',
      versions: '0+',
      about: 'Each topic we fetched offsets for.',
      fields: [
        {
          name: 'Topic',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name.',
        },
        {
          name: 'Partitions',
          type: '[]EpochEndOffset',
          versions: '0+',
          about: 'Each partition in the topic we fetched offsets for.',
          fields: [
            { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code 0, or if there was no error.' },
            { name: 'Partition', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'LeaderEpoch',
              type: 'int32',
              versions: '1+',
              default: '-1',
              ignorable: true,
              about: 'The leader epoch of the partition.',
            },
            { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1', about: 'The end offset of the epoch.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
