// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Request struct for forwarding.
export const EnvelopeRequestSchema = {
  apiKey: 58,
  type: 'request',
  name: 'EnvelopeRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['controller', 'zkBroker'],
  fields: [
    {
      name: 'RequestData',
      type: 'bytes',
      versions: '0+',
      zeroCopy: true,
      about: 'The embedded request header and data.',
    },
    {
      name: 'RequestPrincipal',
      type: 'bytes',
      versions: '0+',
      nullableVersions: '0+',
      about: 'Value of the initial client principal when the request is redirected by a broker.',
    },
    { name: 'ClientHostAddress', type: 'bytes', versions: '0+', about: "The original client's address in bytes." },
  ],
} as const satisfies MessageSchema

// Response struct for forwarding.
export const EnvelopeResponseSchema = {
  apiKey: 58,
  type: 'response',
  name: 'EnvelopeResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ResponseData',
      type: 'bytes',
      versions: '0+',
      nullableVersions: '0+',
      default: 'null',
      zeroCopy: true,
      about: 'The embedded response header and data.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
  ],
} as const satisfies MessageSchema
