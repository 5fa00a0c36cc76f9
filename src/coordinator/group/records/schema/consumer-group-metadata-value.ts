// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupMetadataValueSchema = {
  type: 'data',
  name: 'ConsumerGroupMetadataValue',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'Epoch', type: 'int32', versions: '0+', about: 'The group epoch.' }],
} as const satisfies MessageSchema
