// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const RemoveRaftVoterRequestSchema = {
  apiKey: 81,
  type: 'request',
  name: 'RemoveRaftVoterRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['controller', 'broker'],
  fields: [
    { name: 'ClusterId', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'VoterId',
      type: 'int32',
      versions: '0+',
      about: 'The replica id of the voter getting removed from the topic partition',
    },
    {
      name: 'VoterDirectoryId',
      type: 'uuid',
      versions: '0+',
      about: 'The directory id of the voter getting removed from the topic partition',
    },
  ],
} as const satisfies MessageSchema

export const RemoveRaftVoterResponseSchema = {
  apiKey: 81,
  type: 'response',
  name: 'RemoveRaftVoterResponse',
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
