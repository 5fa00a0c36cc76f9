// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const ProducerIdsRecordSchema = {
  apiKey: 15,
  type: 'metadata',
  name: 'ProducerIdsRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'BrokerId',
      type: 'int32',
      versions: '0+',
      entityType: 'brokerId',
      about: 'The ID of the requesting broker',
    },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1', about: 'The epoch of the requesting broker' },
    {
      name: 'NextProducerId',
      type: 'int64',
      versions: '0+',
      about: 'The next producerId that will be assigned (i.e. the first producerId in the next assigned block)',
    },
  ],
} as const satisfies MessageSchema
