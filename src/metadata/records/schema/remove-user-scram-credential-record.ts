// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

export const RemoveUserScramCredentialRecordSchema = {
  apiKey: 22,
  type: 'metadata',
  name: 'RemoveUserScramCredentialRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Name', type: 'string', versions: '0+', about: 'The user name.' },
    { name: 'Mechanism', type: 'int8', versions: '0+', about: 'The SCRAM mechanism.' },
  ],
} as const satisfies MessageSchema
