// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupMetadataKeySchema = {
  type: 'data',
  name: 'ConsumerGroupMetadataKey',
  validVersions: '3',
  flexibleVersions: 'none',
  fields: [{ name: 'GroupId', type: 'string', versions: '3', about: 'The group id.' }],
} as const satisfies MessageSchema
