// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

export const TransactionLogKeySchema = {
  type: 'data',
  name: 'TransactionLogKey',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [{ name: 'transactionalId', type: 'string', versions: '0' }],
} as const satisfies MessageSchema
