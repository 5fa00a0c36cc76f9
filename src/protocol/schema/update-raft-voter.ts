// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const UpdateRaftVoterRequestSchema = {
  apiKey: 82,
  type: 'request',
  name: 'UpdateRaftVoterRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['controller'],
  fields: [
    { name: 'ClusterId', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'CurrentLeaderEpoch',
      type: 'int32',
      versions: '0+',
      about: 'The current leader epoch of the partition, -1 for unknown leader epoch',
    },
    {
      name: 'VoterId',
      type: 'int32',
      versions: '0+',
      about: 'The replica id of the voter getting updated in the topic partition',
    },
    {
      name: 'VoterDirectoryId',
      type: 'uuid',
      versions: '0+',
      about: 'The directory id of the voter getting updated in the topic partition',
    },
    {
      name: 'Listeners',
      type: '[]Listener',
      versions: '0+',
      about: 'The endpoint that can be used to communicate with the leader',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The name of the endpoint' },
        { name: 'Host', type: 'string', versions: '0+', about: 'The hostname' },
        { name: 'Port', type: 'uint16', versions: '0+', about: 'The port' },
      ],
    },
    {
      name: 'KRaftVersionFeature',
      type: 'KRaftVersionFeature',
      versions: '0+',
      about: 'The range of versions of the protocol that the replica supports',
      fields: [
        {
          name: 'MinSupportedVersion',
          type: 'int16',
          versions: '0+',
          about: 'The minimum supported KRaft protocol version',
        },
        {
          name: 'MaxSupportedVersion',
          type: 'int16',
          versions: '0+',
          about: 'The maximum supported KRaft protocol version',
        },
      ],
    },
  ],
} as const satisfies MessageSchema

export const UpdateRaftVoterResponseSchema = {
  apiKey: 82,
  type: 'response',
  name: 'UpdateRaftVoterResponse',
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
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error' },
    {
      name: 'CurrentLeader',
      type: 'CurrentLeader',
      versions: '0+',
      taggedVersions: '0+',
      tag: 0,
      fields: [
        {
          name: 'LeaderId',
          type: 'int32',
          versions: '0+',
          default: '-1',
          entityType: 'brokerId',
          about: 'The replica id of the current leader or -1 if the leader is unknown',
        },
        { name: 'LeaderEpoch', type: 'int32', versions: '0+', default: '-1', about: 'The latest known leader epoch' },
        { name: 'Host', type: 'string', versions: '0+', about: "The node's hostname" },
        { name: 'Port', type: 'int32', versions: '0+', about: "The node's port" },
      ],
    },
  ],
} as const satisfies MessageSchema
