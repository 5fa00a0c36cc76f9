// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 supports SASL_AUTHENTICATE.
// NOTE: Version cannot be easily bumped due to incorrect
// client negotiation for clients <= 2.4.
// See https://issues.apache.org/jira/browse/KAFKA-9577
export const SaslHandshakeRequestSchema = {
  apiKey: 17,
  type: 'request',
  name: 'SaslHandshakeRequest',
  validVersions: '0-1',
  flexibleVersions: 'none',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [{ name: 'Mechanism', type: 'string', versions: '0+', about: 'The SASL mechanism chosen by the client.' }],
} as const satisfies MessageSchema

// Version 1 is the same as version 0.
// NOTE: Version cannot be easily bumped due to incorrect
// client negotiation for clients <= 2.4.
// See https://issues.apache.org/jira/browse/KAFKA-9577
export const SaslHandshakeResponseSchema = {
  apiKey: 17,
  type: 'response',
  name: 'SaslHandshakeResponse',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    { name: 'Mechanisms', type: '[]string', versions: '0+', about: 'The mechanisms enabled in the server.' },
  ],
} as const satisfies MessageSchema
