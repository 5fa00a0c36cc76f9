// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

//
// Version 1 is the same as version 0.
//
// Starting in Version 2, the requester must be able to handle Kafka Log
// Message format version 1.
//
// Version 3 adds MaxBytes.  Starting in version 3, the partition ordering in
// the request is now relevant.  Partitions will be processed in the order
// they appear in the request.
//
// Version 4 adds IsolationLevel.  Starting in version 4, the reqestor must be
// able to handle Kafka log message format version 2.
//
// Version 5 adds LogStartOffset to indicate the earliest available offset of
// partition data that can be consumed.
//
// Version 6 is the same as version 5.
//
// Version 7 adds incremental fetch request support.
//
// Version 8 is the same as version 7.
//
// Version 9 adds CurrentLeaderEpoch, as described in KIP-320.
//
// Version 10 indicates that we can use the ZStd compression algorithm, as
// described in KIP-110.
// Version 12 adds flexible versions support as well as epoch validation through
// the `LastFetchedEpoch` field
//
// Version 13 replaces topic names with topic IDs (KIP-516). May return UNKNOWN_TOPIC_ID error code.
//
// Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException(KIP-405)
//
// Version 15 adds the ReplicaState which includes new field ReplicaEpoch and the ReplicaId. Also,
// deprecate the old ReplicaId field and set its default value to -1. (KIP-903)
//
// Version 16 is the same as version 15 (KIP-951).
//
// Version 17 adds directory id support from KIP-853
export const FetchRequestSchema = {
  apiKey: 1,
  type: 'request',
  name: 'FetchRequest',
  validVersions: '0-17',
  flexibleVersions: '12+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'ClusterId',
      type: 'string',
      versions: '12+',
      nullableVersions: '12+',
      taggedVersions: '12+',
      tag: 0,
      default: 'null',
      ignorable: true,
      about: 'The clusterId if known. This is used to validate metadata fetches prior to broker registration.',
    },
    {
      name: 'ReplicaId',
      type: 'int32',
      versions: '0-14',
      default: '-1',
      entityType: 'brokerId',
      about: 'The broker ID of the follower, of -1 if this request is from a consumer.',
    },
    {
      name: 'ReplicaState',
      type: 'ReplicaState',
      versions: '15+',
      taggedVersions: '15+',
      tag: 1,
      fields: [
        {
          name: 'ReplicaId',
          type: 'int32',
          versions: '15+',
          default: '-1',
          entityType: 'brokerId',
          about: 'The replica ID of the follower, or -1 if this request is from a consumer.',
        },
        {
          name: 'ReplicaEpoch',
          type: 'int64',
          versions: '15+',
          default: '-1',
          about: 'The epoch of this follower, or -1 if not available.',
        },
      ],
    },
    {
      name: 'MaxWaitMs',
      type: 'int32',
      versions: '0+',
      about: 'The maximum time in milliseconds to wait for the response.',
    },
    { name: 'MinBytes', type: 'int32', versions: '0+', about: 'The minimum bytes to accumulate in the response.' },
    {
      name: 'MaxBytes',
      type: 'int32',
      versions: '3+',
      default: '0x7fffffff',
      ignorable: true,
      about: 'The maximum bytes to fetch.  See KIP-74 for cases where this limit may not be honored.',
    },
    {
      name: 'IsolationLevel',
      type: 'int8',
      versions: '4+',
      default: '0',
      ignorable: true,
      about:
        'This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records',
    },
    { name: 'SessionId', type: 'int32', versions: '7+', default: '0', ignorable: true, about: 'The fetch session ID.' },
    {
      name: 'SessionEpoch',
      type: 'int32',
      versions: '7+',
      default: '-1',
      ignorable: true,
      about: 'The fetch session epoch, which is used for ordering requests in a session.',
    },
    {
      name: 'Topics',
      type: '[]FetchTopic',
      versions: '0+',
      about: 'The topics to fetch.',
      fields: [
        {
          name: 'Topic',
          type: 'string',
          versions: '0-12',
          entityType: 'topicName',
          ignorable: true,
          about: 'The name of the topic to fetch.',
        },
        { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID' },
        {
          name: 'Partitions',
          type: '[]FetchPartition',
          versions: '0+',
          about: 'The partitions to fetch.',
          fields: [
            { name: 'Partition', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'CurrentLeaderEpoch',
              type: 'int32',
              versions: '9+',
              default: '-1',
              ignorable: true,
              about: 'The current leader epoch of the partition.',
            },
            { name: 'FetchOffset', type: 'int64', versions: '0+', about: 'The message offset.' },
            {
              name: 'LastFetchedEpoch',
              type: 'int32',
              versions: '12+',
              default: '-1',
              ignorable: false,
              about: 'The epoch of the last fetched record or -1 if there is none',
            },
            {
              name: 'LogStartOffset',
              type: 'int64',
              versions: '5+',
              default: '-1',
              ignorable: true,
              about:
                'The earliest available offset of the follower replica.  The field is only used when the request is sent by the follower.',
            },
            {
              name: 'PartitionMaxBytes',
              type: 'int32',
              versions: '0+',
              about:
                'The maximum bytes to fetch from this partition.  See KIP-74 for cases where this limit may not be honored.',
            },
            {
              name: 'ReplicaDirectoryId',
              type: 'uuid',
              versions: '17+',
              taggedVersions: '17+',
              tag: 0,
              ignorable: true,
              about: 'The directory id of the follower fetching',
            },
          ],
        },
      ],
    },
    {
      name: 'ForgottenTopicsData',
      type: '[]ForgottenTopic',
      versions: '7+',
      ignorable: false,
      about: 'In an incremental fetch request, the partitions to remove.',
      fields: [
        {
          name: 'Topic',
          type: 'string',
          versions: '7-12',
          entityType: 'topicName',
          ignorable: true,
          about: 'The topic name.',
        },
        { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID' },
        { name: 'Partitions', type: '[]int32', versions: '7+', about: 'The partitions indexes to forget.' },
      ],
    },
    {
      name: 'RackId',
      type: 'string',
      versions: '11+',
      default: '',
      ignorable: true,
      about: 'Rack ID of the consumer making this request',
    },
  ],
} as const satisfies MessageSchema

//
// Version 1 adds throttle time.
//
// Version 2 and 3 are the same as version 1.
//
// Version 4 adds features for transactional consumption.
//
// Version 5 adds LogStartOffset to indicate the earliest available offset of
// partition data that can be consumed.
//
// Starting in version 6, we may return KAFKA_STORAGE_ERROR as an error code.
//
// Version 7 adds incremental fetch request support.
//
// Starting in version 8, on quota violation, brokers send out responses before throttling.
//
// Version 9 is the same as version 8.
//
// Version 10 indicates that the response data can use the ZStd compression
// algorithm, as described in KIP-110.
// Version 12 adds support for flexible versions, epoch detection through the `TruncationOffset` field,
// and leader discovery through the `CurrentLeader` field
//
// Version 13 replaces the topic name field with topic ID (KIP-516).
//
// Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException (KIP-405)
//
// Version 15 is the same as version 14 (KIP-903).
//
// Version 16 adds the 'NodeEndpoints' field (KIP-951).
//
// Version 17 no changes to the response (KIP-853).
export const FetchResponseSchema = {
  apiKey: 1,
  type: 'response',
  name: 'FetchResponse',
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '1+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '7+', ignorable: true, about: 'The top level response error code.' },
    {
      name: 'SessionId',
      type: 'int32',
      versions: '7+',
      default: '0',
      ignorable: false,
      about: 'The fetch session ID, or 0 if this is not part of a fetch session.',
    },
    {
      name: 'Responses',
      type: '[]FetchableTopicResponse',
      versions: '0+',
      about: 'The response topics.',
      fields: [
        {
          name: 'Topic',
          type: 'string',
          versions: '0-12',
          entityType: 'topicName',
          ignorable: true,
          about: 'The topic name.',
        },
        { name: 'TopicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID' },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          about: 'The topic partitions.',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The error code, or 0 if there was no fetch error.',
            },
            { name: 'HighWatermark', type: 'int64', versions: '0+', about: 'The current high water mark.' },
            {
              name: 'LastStableOffset',
              type: 'int64',
              versions: '4+',
              default: '-1',
              ignorable: true,
              about:
                'The last stable offset (or LSO) of the partition. This is the last offset such that the state of all transactional records prior to this offset have been decided (ABORTED or COMMITTED)',
            },
            {
              name: 'LogStartOffset',
              type: 'int64',
              versions: '5+',
              default: '-1',
              ignorable: true,
              about: 'The current log start offset.',
            },
            {
              name: 'DivergingEpoch',
              type: 'EpochEndOffset',
              versions: '12+',
              taggedVersions: '12+',
              tag: 0,
              about:
                'In case divergence is detected based on the `LastFetchedEpoch` and `FetchOffset` in the request, this field indicates the largest epoch and its end offset such that subsequent records are known to diverge',
              fields: [
                { name: 'Epoch', type: 'int32', versions: '12+', default: '-1' },
                { name: 'EndOffset', type: 'int64', versions: '12+', default: '-1' },
              ],
            },
            {
              name: 'CurrentLeader',
              type: 'LeaderIdAndEpoch',
              versions: '12+',
              taggedVersions: '12+',
              tag: 1,
              fields: [
                {
                  name: 'LeaderId',
                  type: 'int32',
                  versions: '12+',
                  default: '-1',
                  entityType: 'brokerId',
                  about: 'The ID of the current leader or -1 if the leader is unknown.',
                },
                {
                  name: 'LeaderEpoch',
                  type: 'int32',
                  versions: '12+',
                  default: '-1',
                  about: 'The latest known leader epoch',
                },
              ],
            },
            {
              name: 'SnapshotId',
              type: 'SnapshotId',
              versions: '12+',
              taggedVersions: '12+',
              tag: 2,
              about:
                'In the case of fetching an offset less than the LogStartOffset, this is the end offset and epoch that should be used in the FetchSnapshot request.',
              fields: [
                { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1' },
                { name: 'Epoch', type: 'int32', versions: '0+', default: '-1' },
              ],
            },
            {
              name: 'AbortedTransactions',
              type: '[]AbortedTransaction',
              versions: '4+',
              nullableVersions: '4+',
              ignorable: true,
              about: 'The aborted transactions.',
              fields: [
                {
                  name: 'ProducerId',
                  type: 'int64',
                  versions: '4+',
                  entityType: 'producerId',
                  about: 'The producer id associated with the aborted transaction.',
                },
                {
                  name: 'FirstOffset',
                  type: 'int64',
                  versions: '4+',
                  about: 'The first offset in the aborted transaction.',
                },
              ],
            },
            {
              name: 'PreferredReadReplica',
              type: 'int32',
              versions: '11+',
              default: '-1',
              entityType: 'brokerId',
              ignorable: false,
              about: 'The preferred read replica for the consumer to use on its next fetch request',
            },
            { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+', about: 'The record data.' },
          ],
        },
      ],
    },
    {
      name: 'NodeEndpoints',
      type: '[]NodeEndpoint',
      versions: '16+',
      taggedVersions: '16+',
      tag: 0,
      about:
        'Endpoints for all current-leaders enumerated in PartitionData, with errors NOT_LEADER_OR_FOLLOWER & FENCED_LEADER_EPOCH.',
      fields: [
        {
          name: 'NodeId',
          type: 'int32',
          versions: '16+',
          entityType: 'brokerId',
          mapKey: true,
          about: 'The ID of the associated node.',
        },
        { name: 'Host', type: 'string', versions: '16+', about: "The node's hostname." },
        { name: 'Port', type: 'int32', versions: '16+', about: "The node's port." },
        {
          name: 'Rack',
          type: 'string',
          versions: '16+',
          nullableVersions: '16+',
          default: 'null',
          about: 'The rack of the node, or null if it has not been assigned to a rack.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
