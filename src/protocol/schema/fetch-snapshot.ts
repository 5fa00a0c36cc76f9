// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds replica directory id (KIP-853)
export const FetchSnapshotRequestSchema = {
  apiKey: 59,
  type: 'request',
  name: 'FetchSnapshotRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  listeners: ['controller'],
  fields: [
    {
      name: 'ClusterId',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      taggedVersions: '0+',
      tag: 0,
      default: 'null',
      about: 'The clusterId if known, this is used to validate metadata fetches prior to broker registration',
    },
    {
      name: 'ReplicaId',
      type: 'int32',
      versions: '0+',
      default: '-1',
      entityType: 'brokerId',
      about: 'The broker ID of the follower',
    },
    {
      name: 'MaxBytes',
      type: 'int32',
      versions: '0+',
      default: '0x7fffffff',
      about: 'The maximum bytes to fetch from all of the snapshots',
    },
    {
      name: 'Topics',
      type: '[]TopicSnapshot',
      versions: '0+',
      about: 'The topics to fetch',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          about: 'The name of the topic to fetch',
        },
        {
          name: 'Partitions',
          type: '[]PartitionSnapshot',
          versions: '0+',
          about: 'The partitions to fetch',
          fields: [
            { name: 'Partition', type: 'int32', versions: '0+', about: 'The partition index' },
            {
              name: 'CurrentLeaderEpoch',
              type: 'int32',
              versions: '0+',
              about: 'The current leader epoch of the partition, -1 for unknown leader epoch',
            },
            {
              name: 'SnapshotId',
              type: 'SnapshotId',
              versions: '0+',
              about: 'The snapshot endOffset and epoch to fetch',
              fields: [
                { name: 'EndOffset', type: 'int64', versions: '0+' },
                { name: 'Epoch', type: 'int32', versions: '0+' },
              ],
            },
            {
              name: 'Position',
              type: 'int64',
              versions: '0+',
              about: 'The byte position within the snapshot to start fetching from',
            },
            {
              name: 'ReplicaDirectoryId',
              type: 'uuid',
              versions: '1+',
              taggedVersions: '1+',
              tag: 0,
              ignorable: true,
              about: 'The directory id of the follower fetching',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds leader endpoint (KIP-853)
export const FetchSnapshotResponseSchema = {
  apiKey: 59,
  type: 'response',
  name: 'FetchSnapshotResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', ignorable: false, about: 'The top level response error code.' },
    {
      name: 'Topics',
      type: '[]TopicSnapshot',
      versions: '0+',
      about: 'The topics to fetch.',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          about: 'The name of the topic to fetch.',
        },
        {
          name: 'Partitions',
          type: '[]PartitionSnapshot',
          versions: '0+',
          about: 'The partitions to fetch.',
          fields: [
            { name: 'Index', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The error code, or 0 if there was no fetch error.',
            },
            {
              name: 'SnapshotId',
              type: 'SnapshotId',
              versions: '0+',
              about: 'The snapshot endOffset and epoch fetched',
              fields: [
                { name: 'EndOffset', type: 'int64', versions: '0+' },
                { name: 'Epoch', type: 'int32', versions: '0+' },
              ],
            },
            {
              name: 'CurrentLeader',
              type: 'LeaderIdAndEpoch',
              versions: '0+',
              taggedVersions: '0+',
              tag: 0,
              fields: [
                {
                  name: 'LeaderId',
                  type: 'int32',
                  versions: '0+',
                  entityType: 'brokerId',
                  about: 'The ID of the current leader or -1 if the leader is unknown.',
                },
                { name: 'LeaderEpoch', type: 'int32', versions: '0+', about: 'The latest known leader epoch' },
              ],
            },
            { name: 'Size', type: 'int64', versions: '0+', about: 'The total size of the snapshot.' },
            {
              name: 'Position',
              type: 'int64',
              versions: '0+',
              about: 'The starting byte position within the snapshot included in the Bytes field.',
            },
            {
              name: 'UnalignedRecords',
              type: 'records',
              versions: '0+',
              about: 'Snapshot data in records format which may not be aligned on an offset boundary',
            },
          ],
        },
      ],
    },
    {
      name: 'NodeEndpoints',
      type: '[]NodeEndpoint',
      versions: '1+',
      taggedVersions: '1+',
      tag: 0,
      about: 'Endpoints for all current-leaders enumerated in PartitionSnapshot',
      fields: [
        {
          name: 'NodeId',
          type: 'int32',
          versions: '1+',
          entityType: 'brokerId',
          mapKey: true,
          about: 'The ID of the associated node',
        },
        { name: 'Host', type: 'string', versions: '1+', about: "The node's hostname" },
        { name: 'Port', type: 'uint16', versions: '1+', about: "The node's port" },
      ],
    },
  ],
} as const satisfies MessageSchema
