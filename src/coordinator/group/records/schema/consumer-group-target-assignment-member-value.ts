// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupTargetAssignmentMemberValueSchema = {
  type: 'data',
  name: 'ConsumerGroupTargetAssignmentMemberValue',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'TopicPartitions',
      type: '[]TopicPartition',
      versions: '0+',
      about: 'The assigned partitions.',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSchema
