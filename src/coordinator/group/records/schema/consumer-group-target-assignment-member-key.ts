// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupTargetAssignmentMemberKeySchema = {
  type: 'data',
  name: 'ConsumerGroupTargetAssignmentMemberKey',
  validVersions: '7',
  flexibleVersions: 'none',
  fields: [
    { name: 'GroupId', type: 'string', versions: '7', about: 'The group id.' },
    { name: 'MemberId', type: 'string', versions: '7', about: 'The member id.' },
  ],
} as const satisfies MessageSchema
