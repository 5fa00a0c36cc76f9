// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
// Version 2 adds flexible version support
export const SaslAuthenticateRequestSchema = {
  apiKey: 36,
  type: 'request',
  name: 'SaslAuthenticateRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'AuthBytes',
      type: 'bytes',
      versions: '0+',
      about: 'The SASL authentication bytes from the client, as defined by the SASL mechanism.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds the session lifetime.
// Version 2 adds flexible version support
export const SaslAuthenticateResponseSchema = {
  apiKey: 36,
  type: 'response',
  name: 'SaslAuthenticateResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The error message, or null if there was no error.',
    },
    {
      name: 'AuthBytes',
      type: 'bytes',
      versions: '0+',
      about: 'The SASL authentication bytes from the server, as defined by the SASL mechanism.',
    },
    {
      name: 'SessionLifetimeMs',
      type: 'int64',
      versions: '1+',
      default: '0',
      ignorable: true,
      about:
        'Number of milliseconds after which only re-authentication over the existing connection to create a new session can occur.',
    },
  ],
} as const satisfies MessageSchema
