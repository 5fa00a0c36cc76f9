// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupCurrentMemberAssignmentValueSchema = {
  type: 'data',
  name: 'ConsumerGroupCurrentMemberAssignmentValue',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'MemberEpoch',
      type: 'int32',
      versions: '0+',
      about: 'The current member epoch that is expected from the member in the heartbeat request.',
    },
    {
      name: 'PreviousMemberEpoch',
      type: 'int32',
      versions: '0+',
      about:
        'If the last epoch bump is lost before reaching the member, the member will retry with the previous epoch.',
    },
    {
      name: 'State',
      type: 'int8',
      versions: '0+',
      about: 'The member state. See MemberState for the possible values.',
    },
    {
      name: 'AssignedPartitions',
      type: '[]TopicPartitions',
      versions: '0+',
      about: 'The partitions assigned to (or owned by) this member.',
    },
    {
      name: 'PartitionsPendingRevocation',
      type: '[]TopicPartitions',
      versions: '0+',
      about: 'The partitions that must be revoked by this member.',
    },
  ],
  commonStructs: [
    {
      name: 'TopicPartitions',
      versions: '0+',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '0+', about: 'The topic Id.' },
        { name: 'Partitions', type: '[]int32', versions: '0+', about: 'The partition Ids.' },
      ],
    },
  ],
} as const satisfies MessageSchema
