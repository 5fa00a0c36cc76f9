// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupPartitionMetadataValueSchema = {
  type: 'data',
  name: 'ConsumerGroupPartitionMetadataValue',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Topics',
      type: '[]TopicMetadata',
      versions: '0+',
      about: 'The list of topic metadata.',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '0+', about: 'The topic id.' },
        { name: 'TopicName', type: 'string', versions: '0+', about: 'The topic name.' },
        { name: 'NumPartitions', type: 'int32', versions: '0+', about: 'The number of partitions of the topic.' },
        {
          name: 'PartitionMetadata',
          type: '[]PartitionMetadata',
          versions: '0+',
          about:
            'Deprecated: this field is not used after 4.0. Partitions mapped to a set of racks. If the rack information is unavailable for all the partitions, an empty list is stored',
          fields: [
            { name: 'Partition', type: 'int32', versions: '0+', about: 'The partition number.' },
            {
              name: 'Racks',
              type: '[]string',
              versions: '0+',
              about: 'The set of racks that the partition is mapped to.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
