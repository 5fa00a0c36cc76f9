// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 removes MaxNumOffsets.  From this version forward, only a single
// offset can be returned.
//
// Version 2 adds the isolation level, which is used for transactional reads.
//
// Version 3 is the same as version 2.
//
// Version 4 adds the current leader epoch, which is used for fencing.
//
// Version 5 is the same as version 4.
//
// Version 6 enables flexible versions.
//
// Version 7 enables listing offsets by max timestamp (KIP-734).
//
// Version 8 enables listing offsets by local log start offset (KIP-405).
//
// Version 9 enables listing offsets by last tiered offset (KIP-1005).
//
// Version 10 enables async remote list offsets support (KIP-1075)
export const ListOffsetsRequestSchema = {
  apiKey: 2,
  type: 'request',
  name: 'ListOffsetsRequest',
  validVersions: '0-10',
  flexibleVersions: '6+',
  latestVersionUnstable: false,
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'ReplicaId',
      type: 'int32',
      versions: '0+',
      entityType: 'brokerId',
      about: 'The broker ID of the requester, or -1 if this request is being made by a normal consumer.',
    },
    {
      name: 'IsolationLevel',
      type: 'int8',
      versions: '2+',
      about:
        'This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records',
    },
    {
      name: 'Topics',
      type: '[]ListOffsetsTopic',
      versions: '0+',
      about: 'Each topic in the request.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]ListOffsetsPartition',
          versions: '0+',
          about: 'Each partition in the request.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'CurrentLeaderEpoch',
              type: 'int32',
              versions: '4+',
              default: '-1',
              ignorable: true,
              about: 'The current leader epoch.',
            },
            { name: 'Timestamp', type: 'int64', versions: '0+', about: 'The current timestamp.' },
            {
              name: 'MaxNumOffsets',
              type: 'int32',
              versions: '0',
              default: '1',
              about: 'The maximum number of offsets to report.',
            },
          ],
        },
      ],
    },
    {
      name: 'TimeoutMs',
      type: 'int32',
      versions: '10+',
      ignorable: true,
      about:
        'The timeout to await a response in milliseconds for requests that require reading from remote storage for topics enabled with tiered storage.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 removes the offsets array in favor of returning a single offset.
// Version 1 also adds the timestamp associated with the returned offset.
//
// Version 2 adds the throttle time.
//
// Starting in version 3, on quota violation, brokers send out responses before throttling.
//
// Version 4 adds the leader epoch, which is used for fencing.
//
// Version 5 adds a new error code, OFFSET_NOT_AVAILABLE.
//
// Version 6 enables flexible versions.
//
// Version 7 is the same as version 6 (KIP-734).
//
// Version 8 enables listing offsets by local log start offset.
// This is the earliest log start offset in the local log. (KIP-405).
//
// Version 9 enables listing offsets by last tiered offset (KIP-1005).
//
// Version 10 enables async remote list offsets support (KIP-1075)
export const ListOffsetsResponseSchema = {
  apiKey: 2,
  type: 'response',
  name: 'ListOffsetsResponse',
  validVersions: '0-10',
  flexibleVersions: '6+',
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
      type: '[]ListOffsetsTopicResponse',
      versions: '0+',
      about: 'Each topic in the response.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name' },
        {
          name: 'Partitions',
          type: '[]ListOffsetsPartitionResponse',
          versions: '0+',
          about: 'Each partition in the response.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The partition error code, or 0 if there was no error.',
            },
            { name: 'OldStyleOffsets', type: '[]int64', versions: '0', ignorable: false, about: 'The result offsets.' },
            {
              name: 'Timestamp',
              type: 'int64',
              versions: '1+',
              default: '-1',
              ignorable: false,
              about: 'The timestamp associated with the returned offset.',
            },
            {
              name: 'Offset',
              type: 'int64',
              versions: '1+',
              default: '-1',
              ignorable: false,
              about: 'The returned offset.',
            },
            { name: 'LeaderEpoch', type: 'int32', versions: '4+', default: '-1' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
