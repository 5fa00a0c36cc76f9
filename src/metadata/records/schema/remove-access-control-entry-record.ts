// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const RemoveAccessControlEntryRecordSchema = {
  apiKey: 19,
  type: 'metadata',
  name: 'RemoveAccessControlEntryRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'Id', type: 'uuid', versions: '0+', about: 'The ID of the AccessControlEntry to remove.' }],
} as const satisfies MessageSchema
