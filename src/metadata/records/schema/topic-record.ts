// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const TopicRecordSchema = {
  apiKey: 2,
  type: 'metadata',
  name: 'TopicRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
    { name: 'TopicId', type: 'uuid', versions: '0+', about: 'The unique ID of this topic.' },
  ],
} as const satisfies MessageSchema
