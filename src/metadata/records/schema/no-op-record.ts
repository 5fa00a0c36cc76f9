// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const NoOpRecordSchema = {
  apiKey: 20,
  type: 'metadata',
  name: 'NoOpRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [],
} as const satisfies MessageSchema
