// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds voter key and candidate directory id (KIP-853)
export const VoteRequestSchema = {
  apiKey: 52,
  type: 'request',
  name: 'VoteRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  listeners: ['controller'],
  fields: [
    { name: 'ClusterId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    {
      name: 'VoterId',
      type: 'int32',
      versions: '1+',
      default: '-1',
      entityType: 'brokerId',
      ignorable: true,
      about: 'The replica id of the voter receiving the request',
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
            {
              name: 'CandidateEpoch',
              type: 'int32',
              versions: '0+',
              about: 'The bumped epoch of the candidate sending the request',
            },
            {
              name: 'CandidateId',
              type: 'int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The replica id of the voter sending the request',
            },
            {
              name: 'CandidateDirectoryId',
              type: 'uuid',
              versions: '1+',
              ignorable: true,
              about: 'The directory id of the voter sending the request',
            },
            {
              name: 'VoterDirectoryId',
              type: 'uuid',
              versions: '1+',
              ignorable: true,
              about: 'The ID of the voter sending the request',
            },
            {
              name: 'LastOffsetEpoch',
              type: 'int32',
              versions: '0+',
              about: 'The epoch of the last record written to the metadata log',
            },
            {
              name: 'LastOffset',
              type: 'int64',
              versions: '0+',
              about: 'The offset of the last record written to the metadata log',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds leader endpoint (KIP-853)
export const VoteResponseSchema = {
  apiKey: 52,
  type: 'response',
  name: 'VoteResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top level error code.' },
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
              name: 'LeaderId',
              type: 'int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The ID of the current leader or -1 if the leader is unknown.',
            },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+', about: 'The latest known leader epoch' },
            {
              name: 'VoteGranted',
              type: 'bool',
              versions: '0+',
              about: 'True if the vote was granted and false otherwise',
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
      about: 'Endpoints for all current-leaders enumerated in PartitionData',
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
