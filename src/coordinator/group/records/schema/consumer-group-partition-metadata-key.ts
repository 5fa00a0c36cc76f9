// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupPartitionMetadataKeySchema = {
  type: 'data',
  name: 'ConsumerGroupPartitionMetadataKey',
  validVersions: '4',
  flexibleVersions: 'none',
  fields: [{ name: 'GroupId', type: 'string', versions: '4', about: 'The group id.' }],
} as const satisfies MessageSchema
