// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 is the first flexible version.
//
// Version 3 adds owner principal
export const CreateDelegationTokenRequestSchema = {
  apiKey: 38,
  type: 'request',
  name: 'CreateDelegationTokenRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'OwnerPrincipalType',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      about: "The principal type of the owner of the token. If it's null it defaults to the token request principal.",
    },
    {
      name: 'OwnerPrincipalName',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      about: "The principal name of the owner of the token. If it's null it defaults to the token request principal.",
    },
    {
      name: 'Renewers',
      type: '[]CreatableRenewers',
      versions: '0+',
      about: 'A list of those who are allowed to renew this token before it expires.',
      fields: [
        { name: 'PrincipalType', type: 'string', versions: '0+', about: 'The type of the Kafka principal.' },
        { name: 'PrincipalName', type: 'string', versions: '0+', about: 'The name of the Kafka principal.' },
      ],
    },
    {
      name: 'MaxLifetimeMs',
      type: 'int64',
      versions: '0+',
      about: 'The maximum lifetime of the token in milliseconds, or -1 to use the server side default.',
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 is the first flexible version.
//
// Version 3 adds token requester details
export const CreateDelegationTokenResponseSchema = {
  apiKey: 38,
  type: 'response',
  name: 'CreateDelegationTokenResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top-level error, or zero if there was no error.' },
    { name: 'PrincipalType', type: 'string', versions: '0+', about: 'The principal type of the token owner.' },
    { name: 'PrincipalName', type: 'string', versions: '0+', about: 'The name of the token owner.' },
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
    { name: 'IssueTimestampMs', type: 'int64', versions: '0+', about: 'When this token was generated.' },
    { name: 'ExpiryTimestampMs', type: 'int64', versions: '0+', about: 'When this token expires.' },
    { name: 'MaxTimestampMs', type: 'int64', versions: '0+', about: 'The maximum lifetime of this token.' },
    { name: 'TokenId', type: 'string', versions: '0+', about: 'The token UUID.' },
    { name: 'Hmac', type: 'bytes', versions: '0+', about: 'HMAC of the delegation token.' },
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
  ],
} as const satisfies MessageSchema
