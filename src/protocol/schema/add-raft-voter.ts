// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const AddRaftVoterRequestSchema = {
  apiKey: 80,
  type: 'request',
  name: 'AddRaftVoterRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['controller', 'broker'],
  fields: [
    { name: 'ClusterId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'VoterId',
      type: 'int32',
      versions: '0+',
      about: 'The replica id of the voter getting added to the topic partition',
    },
    {
      name: 'VoterDirectoryId',
      type: 'uuid',
      versions: '0+',
      about: 'The directory id of the voter getting added to the topic partition',
    },
    {
      name: 'Listeners',
      type: '[]Listener',
      versions: '0+',
      about: 'The endpoints that can be used to communicate with the voter',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', mapKey: true, about: 'The name of the endpoint' },
        { name: 'Host', type: 'string', versions: '0+', about: 'The hostname' },
        { name: 'Port', type: 'uint16', versions: '0+', about: 'The port' },
      ],
    },
  ],
} as const satisfies MessageSchema

export const AddRaftVoterResponseSchema = {
  apiKey: 80,
  type: 'response',
  name: 'AddRaftVoterResponse',
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
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      ignorable: true,
      about: 'The error message, or null if there was no error.',
    },
  ],
} as const satisfies MessageSchema
