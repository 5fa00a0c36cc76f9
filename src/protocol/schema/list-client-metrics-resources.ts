// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const ListClientMetricsResourcesRequestSchema = {
  apiKey: 74,
  type: 'request',
  name: 'ListClientMetricsResourcesRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['broker'],
  fields: [],
} as const satisfies MessageSchema

export const ListClientMetricsResourcesResponseSchema = {
  apiKey: 74,
  type: 'response',
  name: 'ListClientMetricsResourcesResponse',
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
    {
      name: 'ClientMetricsResources',
      type: '[]ClientMetricsResource',
      versions: '0+',
      about: 'Each client metrics resource in the response.',
      fields: [{ name: 'Name', type: 'string', versions: '0+', about: 'The resource name.' }],
    },
  ],
} as const satisfies MessageSchema
