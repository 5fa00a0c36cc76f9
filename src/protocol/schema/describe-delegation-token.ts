// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
// Version 2 adds flexible version support
// Version 3 adds token requester into the response
export const DescribeDelegationTokenRequestSchema = {
  apiKey: 41,
  type: 'request',
  name: 'DescribeDelegationTokenRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Owners',
      type: '[]DescribeDelegationTokenOwner',
      versions: '0+',
      nullableVersions: '0+',
      about: 'Each owner that we want to describe delegation tokens for, or null to describe all tokens.',
      fields: [
        { name: 'PrincipalType', type: 'string', versions: '0+', about: 'The owner principal type.' },
        { name: 'PrincipalName', type: 'string', versions: '0+', about: 'The owner principal name.' },
      ],
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
// Version 2 adds flexible version support
// Version 3 adds token requester details
export const DescribeDelegationTokenResponseSchema = {
  apiKey: 41,
  type: 'response',
  name: 'DescribeDelegationTokenResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'Tokens',
      type: '[]DescribedDelegationToken',
      versions: '0+',
      about: 'The tokens.',
      fields: [
        { name: 'PrincipalType', type: 'string', versions: '0+', about: 'The token principal type.' },
        { name: 'PrincipalName', type: 'string', versions: '0+', about: 'The token principal name.' },
        {
          name: 'TokenRequesterPrincipalType',
          type: 'string',
          versions: '3+',
          about: 'The principal type of the requester of the token.',
        },
        {
          name: 'TokenRequesterPrincipalName',
          type: 'string',
          versions: '3+',
          about: 'The principal type of the requester of the token.',
        },
        { name: 'IssueTimestamp', type: 'int64', versions: '0+', about: 'The token issue timestamp in milliseconds.' },
        {
          name: 'ExpiryTimestamp',
          type: 'int64',
          versions: '0+',
          about: 'The token expiry timestamp in milliseconds.',
        },
        {
          name: 'MaxTimestamp',
          type: 'int64',
          versions: '0+',
          about: 'The token maximum timestamp length in milliseconds.',
        },
        { name: 'TokenId', type: 'string', versions: '0+', about: 'The token ID.' },
        { name: 'Hmac', type: 'bytes', versions: '0+', about: 'The token HMAC.' },
        {
          name: 'Renewers',
          type: '[]DescribedDelegationTokenRenewer',
          versions: '0+',
          about: 'Those who are able to renew this token before it expires.',
          fields: [
            { name: 'PrincipalType', type: 'string', versions: '0+', about: 'The renewer principal type' },
            { name: 'PrincipalName', type: 'string', versions: '0+', about: 'The renewer principal name' },
          ],
        },
      ],
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
