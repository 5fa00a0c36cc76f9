// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const PushTelemetryRequestSchema = {
  apiKey: 72,
  type: 'request',
  name: 'PushTelemetryRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['broker'],
  fields: [
    { name: 'ClientInstanceId', type: 'uuid', versions: '0+', about: 'Unique id for this client instance.' },
    { name: 'SubscriptionId', type: 'int32', versions: '0+', about: 'Unique identifier for the current subscription.' },
    { name: 'Terminating', type: 'bool', versions: '0+', about: 'Client is terminating the connection.' },
    { name: 'CompressionType', type: 'int8', versions: '0+', about: 'Compression codec used to compress the metrics.' },
    {
      name: 'Metrics',
      type: 'bytes',
      versions: '0+',
      about: 'Metrics encoded in OpenTelemetry MetricsData v1 protobuf format.',
    },
  ],
} as const satisfies MessageSchema

export const PushTelemetryResponseSchema = {
  apiKey: 72,
  type: 'response',
  name: 'PushTelemetryResponse',
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
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
  ],
} as const satisfies MessageSchema
