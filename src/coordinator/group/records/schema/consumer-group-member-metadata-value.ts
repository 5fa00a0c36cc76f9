// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../../protocol/schema-types.ts'

// KIP-848 is in development. This schema is subject to non-backwards-compatible changes.
export const ConsumerGroupMemberMetadataValueSchema = {
  type: 'data',
  name: 'ConsumerGroupMemberMetadataValue',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'InstanceId',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The (optional) instance id.',
    },
    { name: 'RackId', type: 'string', versions: '0+', nullableVersions: '0+', about: 'The (optional) rack id.' },
    { name: 'ClientId', type: 'string', versions: '0+', about: 'The client id.' },
    { name: 'ClientHost', type: 'string', versions: '0+', about: 'The client host.' },
    { name: 'SubscribedTopicNames', type: '[]string', versions: '0+', about: 'The list of subscribed topic names.' },
    {
      name: 'SubscribedTopicRegex',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The subscribed topic regular expression.',
    },
    { name: 'RebalanceTimeoutMs', type: 'int32', versions: '0+', default: '-1', about: 'The rebalance timeout' },
    {
      name: 'ServerAssignor',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      about: 'The server assignor to use; or null if not used.',
    },
    {
      name: 'ClassicMemberMetadata',
      type: 'ClassicMemberMetadata',
      versions: '0+',
      nullableVersions: '0+',
      taggedVersions: '0+',
      tag: 0,
      default: 'null',
      about:
        'The classic member metadata which includes the supported protocols of the consumer if it uses the classic protocol. The metadata is null if the consumer uses the consumer protocol.',
      fields: [
        {
          name: 'SessionTimeoutMs',
          type: 'int32',
          versions: '0+',
          about: 'The session timeout if the consumer uses the classic protocol.',
        },
        {
          name: 'SupportedProtocols',
          type: '[]ClassicProtocol',
          versions: '0+',
          about: 'The list of protocols that the member supports if the consumer uses the classic protocol.',
          fields: [
            { name: 'Name', type: 'string', versions: '0+', about: 'The protocol name.' },
            { name: 'Metadata', type: 'bytes', versions: '0+', about: 'The protocol metadata.' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
