// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const AllocateProducerIdsRequestSchema = {
  apiKey: 67,
  type: 'request',
  name: 'AllocateProducerIdsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'controller'],
  fields: [
    {
      name: 'BrokerId',
      type: 'int32',
      versions: '0+',
      entityType: 'brokerId',
      about: 'The ID of the requesting broker',
    },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1', about: 'The epoch of the requesting broker' },
  ],
} as const satisfies MessageSchema

export const AllocateProducerIdsResponseSchema = {
  apiKey: 67,
  type: 'response',
  name: 'AllocateProducerIdsResponse',
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
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top level response error code' },
    {
      name: 'ProducerIdStart',
      type: 'int64',
      versions: '0+',
      entityType: 'producerId',
      about: 'The first producer ID in this range, inclusive',
    },
    { name: 'ProducerIdLen', type: 'int32', versions: '0+', about: 'The number of producer IDs in this range' },
  ],
} as const satisfies MessageSchema
