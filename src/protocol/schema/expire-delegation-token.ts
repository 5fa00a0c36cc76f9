// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
// Version 2 adds flexible version support
export const ExpireDelegationTokenRequestSchema = {
  apiKey: 40,
  type: 'request',
  name: 'ExpireDelegationTokenRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    { name: 'Hmac', type: 'bytes', versions: '0+', about: 'The HMAC of the delegation token to be expired.' },
    { name: 'ExpiryTimePeriodMs', type: 'int64', versions: '0+', about: 'The expiry time period in milliseconds.' },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 adds flexible version support
export const ExpireDelegationTokenResponseSchema = {
  apiKey: 40,
  type: 'response',
  name: 'ExpireDelegationTokenResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ExpiryTimestampMs',
      type: 'int64',
      versions: '0+',
      about: 'The timestamp in milliseconds at which this token expires.',
    },
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
  ],
} as const satisfies MessageSchema
