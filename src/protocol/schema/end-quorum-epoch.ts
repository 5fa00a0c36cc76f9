// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds flexible versions, replaces preferred successors with preferred candidates
// and adds leader endpoints (KIP-853)
export const EndQuorumEpochRequestSchema = {
  apiKey: 54,
  type: 'request',
  name: 'EndQuorumEpochRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  listeners: ['controller'],
  fields: [
    { name: 'ClusterId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
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
              name: 'LeaderId',
              type: 'int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The current leader ID that is resigning',
            },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+', about: 'The current epoch' },
            {
              name: 'PreferredSuccessors',
              type: '[]int32',
              versions: '0',
              ignorable: true,
              about: 'A sorted list of preferred successors to start the election',
            },
            {
              name: 'PreferredCandidates',
              type: '[]ReplicaInfo',
              versions: '1+',
              ignorable: true,
              about: 'A sorted list of preferred candidates to start the election',
              fields: [
                { name: 'CandidateId', type: 'int32', versions: '1+', entityType: 'brokerId' },
                { name: 'CandidateDirectoryId', type: 'uuid', versions: '1+' },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'LeaderEndpoints',
      type: '[]LeaderEndpoint',
      versions: '1+',
      ignorable: true,
      about: 'Endpoints for the leader',
      fields: [
        { name: 'Name', type: 'string', versions: '1+', mapKey: true, about: 'The name of the endpoint' },
        { name: 'Host', type: 'string', versions: '1+', about: "The node's hostname" },
        { name: 'Port', type: 'uint16', versions: '1+', about: "The node's port" },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds flexible versions and leader endpoint (KIP-853)
export const EndQuorumEpochResponseSchema = {
  apiKey: 54,
  type: 'response',
  name: 'EndQuorumEpochResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
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
      about: 'Endpoints for all leaders enumerated in PartitionData',
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
