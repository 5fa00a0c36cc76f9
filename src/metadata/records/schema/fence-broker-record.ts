// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const FenceBrokerRecordSchema = {
  apiKey: 7,
  type: 'metadata',
  name: 'FenceBrokerRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Id',
      type: 'int32',
      versions: '0+',
      entityType: 'brokerId',
      about: 'The broker ID to fence. It will be removed from all ISRs.',
    },
    { name: 'Epoch', type: 'int64', versions: '0+', about: 'The epoch of the broker to fence.' },
  ],
} as const satisfies MessageSchema
