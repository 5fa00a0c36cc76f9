// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const UnregisterBrokerRecordSchema = {
  apiKey: 1,
  type: 'metadata',
  name: 'UnregisterBrokerRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+', entityType: 'brokerId', about: 'The broker id.' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', about: 'The broker epoch.' },
  ],
} as const satisfies MessageSchema
