// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds additional fields in the response. The request is unchanged (KIP-836).
// Version 2 adds additional fields in the response. The request is unchanged (KIP-853).
export const DescribeQuorumRequestSchema = {
  apiKey: 55,
  type: 'request',
  name: 'DescribeQuorumRequest',
  validVersions: '0-2',
  flexibleVersions: '0+',
  latestVersionUnstable: false,
  listeners: ['broker', 'controller'],
  fields: [
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [{ name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' }],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds LastFetchTimeStamp and LastCaughtUpTimestamp in ReplicaState (KIP-836).
// Version 2 adds ErrorMessage, Nodes, ErrorMessage in ParitionData, ReplicaDirectoryId in ReplicaState (KIP-853).
export const DescribeQuorumResponseSchema = {
  apiKey: 55,
  type: 'response',
  name: 'DescribeQuorumResponse',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top level error code.' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '2+',
      nullableVersions: '2+',
      ignorable: true,
      about: 'The error message, or null if there was no error.',
    },
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            {
              name: 'ErrorMessage',
              type: 'string',
              versions: '2+',
              nullableVersions: '2+',
              ignorable: true,
              about: 'The error message, or null if there was no error.',
            },
            {
              name: 'LeaderId',
              type: 'int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The ID of the current leader or -1 if the leader is unknown.',
            },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+', about: 'The latest known leader epoch' },
            { name: 'HighWatermark', type: 'int64', versions: '0+' },
            { name: 'CurrentVoters', type: '[]ReplicaState', versions: '0+' },
            { name: 'Observers', type: '[]ReplicaState', versions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'Nodes',
      type: '[]Node',
      versions: '2+',
      fields: [
        {
          name: 'NodeId',
          type: 'int32',
          versions: '2+',
          entityType: 'brokerId',
          mapKey: true,
          about: 'The ID of the associated node',
        },
        {
          name: 'Listeners',
          type: '[]Listener',
          versions: '2+',
          about: 'The listeners of this controller',
          fields: [
            { name: 'Name', type: 'string', versions: '2+', mapKey: true, about: 'The name of the endpoint' },
            { name: 'Host', type: 'string', versions: '2+', about: 'The hostname' },
            { name: 'Port', type: 'uint16', versions: '2+', about: 'The port' },
          ],
        },
      ],
    },
  ],
  commonStructs: [
    {
      name: 'ReplicaState',
      versions: '0+',
      fields: [
        { name: 'ReplicaId', type: 'int32', versions: '0+', entityType: 'brokerId' },
        { name: 'ReplicaDirectoryId', type: 'uuid', versions: '2+' },
        {
          name: 'LogEndOffset',
          type: 'int64',
          versions: '0+',
          about: 'The last known log end offset of the follower or -1 if it is unknown',
        },
        {
          name: 'LastFetchTimestamp',
          type: 'int64',
          versions: '1+',
          default: '-1',
          ignorable: true,
          about:
            'The last known leader wall clock time time when a follower fetched from the leader. This is reported as -1 both for the current leader or if it is unknown for a voter',
        },
        {
          name: 'LastCaughtUpTimestamp',
          type: 'int64',
          versions: '1+',
          default: '-1',
          ignorable: true,
          about:
            'The leader wall clock append time of the offset for which the follower made the most recent fetch request. This is reported as the current time for the leader and -1 if unknown for a voter',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
