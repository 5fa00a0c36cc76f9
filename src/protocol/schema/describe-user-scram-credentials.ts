// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const DescribeUserScramCredentialsRequestSchema = {
  apiKey: 50,
  type: 'request',
  name: 'DescribeUserScramCredentialsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Users',
      type: '[]UserName',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The users to describe, or null/empty to describe all users.',
      fields: [{ name: 'Name', type: 'string', versions: '0+', about: 'The user name.' }],
    },
  ],
} as const satisfies MessageSchema

export const DescribeUserScramCredentialsResponseSchema = {
  apiKey: 50,
  type: 'response',
  name: 'DescribeUserScramCredentialsResponse',
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
    {
      name: 'ErrorCode',
      type: 'int16',
      versions: '0+',
      about: 'The message-level error code, 0 except for user authorization or infrastructure issues.',
    },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The message-level error message, if any.',
    },
    {
      name: 'Results',
      type: '[]DescribeUserScramCredentialsResult',
      versions: '0+',
      about: 'The results for descriptions, one per user.',
      fields: [
        { name: 'User', type: 'string', versions: '0+', about: 'The user name.' },
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The user-level error code.' },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The user-level error message, if any.',
        },
        {
          name: 'CredentialInfos',
          type: '[]CredentialInfo',
          versions: '0+',
          about: "The mechanism and related information associated with the user's SCRAM credentials.",
          fields: [
            { name: 'Mechanism', type: 'int8', versions: '0+', about: 'The SCRAM mechanism.' },
            {
              name: 'Iterations',
              type: 'int32',
              versions: '0+',
              about: 'The number of iterations used in the SCRAM credential.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
