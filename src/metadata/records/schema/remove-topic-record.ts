// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const RemoveTopicRecordSchema = {
  apiKey: 9,
  type: 'metadata',
  name: 'RemoveTopicRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'TopicId',
      type: 'uuid',
      versions: '0+',
      about: 'The topic to remove. All associated partitions will be removed as well.',
    },
  ],
} as const satisfies MessageSchema
