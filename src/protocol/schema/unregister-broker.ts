// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const UnregisterBrokerRequestSchema = {
  apiKey: 64,
  type: 'request',
  name: 'UnregisterBrokerRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['broker', 'controller'],
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+', entityType: 'brokerId', about: 'The broker ID to unregister.' },
  ],
} as const satisfies MessageSchema

export const UnregisterBrokerResponseSchema = {
  apiKey: 64,
  type: 'response',
  name: 'UnregisterBrokerResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The top-level error message, or `null` if there was no top-level error.',
    },
  ],
} as const satisfies MessageSchema
