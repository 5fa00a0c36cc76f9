// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 adds LeaderRecoveryState field (KIP-704).
//
// Version 2 adds TopicId field to replace TopicName field (KIP-841).
//
// Version 3 adds the NewIsrEpochs field and deprecates the NewIsr field (KIP-903).
export const AlterPartitionRequestSchema = {
  apiKey: 56,
  type: 'request',
  name: 'AlterPartitionRequest',
  validVersions: '0-3',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'controller'],
  fields: [
    {
      name: 'BrokerId',
      type: 'int32',
      versions: '0+',
      entityType: 'brokerId',
      about: 'The ID of the requesting broker',
    },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1', about: 'The epoch of the requesting broker' },
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        {
          name: 'TopicName',
          type: 'string',
          versions: '0-1',
          entityType: 'topicName',
          ignorable: true,
          about: 'The name of the topic to alter ISRs for',
        },
        {
          name: 'TopicId',
          type: 'uuid',
          versions: '2+',
          ignorable: true,
          about: 'The ID of the topic to alter ISRs for',
        },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index' },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+', about: 'The leader epoch of this partition' },
            {
              name: 'NewIsr',
              type: '[]int32',
              versions: '0-2',
              entityType: 'brokerId',
              about: 'The ISR for this partition. Deprecated since version 3.',
            },
            {
              name: 'NewIsrWithEpochs',
              type: '[]BrokerState',
              versions: '3+',
              fields: [
                {
                  name: 'BrokerId',
                  type: 'int32',
                  versions: '3+',
                  entityType: 'brokerId',
                  about: 'The ID of the broker.',
                },
                {
                  name: 'BrokerEpoch',
                  type: 'int64',
                  versions: '3+',
                  default: '-1',
                  about: 'The epoch of the broker. It will be -1 if the epoch check is not supported.',
                },
              ],
            },
            {
              name: 'LeaderRecoveryState',
              type: 'int8',
              versions: '1+',
              default: '0',
              about: '1 if the partition is recovering from an unclean leader election; 0 otherwise.',
            },
            {
              name: 'PartitionEpoch',
              type: 'int32',
              versions: '0+',
              about:
                'The expected epoch of the partition which is being updated. For legacy cluster this is the ZkVersion in the LeaderAndIsr request.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds LeaderRecoveryState field (KIP-704).
//
// Version 2 adds TopicId field to replace TopicName field, can return the following new errors:
// INELIGIBLE_REPLICA, NEW_LEADER_ELECTED and UNKNOWN_TOPIC_ID (KIP-841).
//
// Version 3 is the same as version 2 (KIP-903).
export const AlterPartitionResponseSchema = {
  apiKey: 56,
  type: 'response',
  name: 'AlterPartitionResponse',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top level response error code' },
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        {
          name: 'TopicName',
          type: 'string',
          versions: '0-1',
          entityType: 'topicName',
          ignorable: true,
          about: 'The name of the topic',
        },
        { name: 'TopicId', type: 'uuid', versions: '2+', ignorable: true, about: 'The ID of the topic' },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index' },
            { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The partition level error code' },
            {
              name: 'LeaderId',
              type: 'int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The broker ID of the leader.',
            },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+', about: 'The leader epoch.' },
            { name: 'Isr', type: '[]int32', versions: '0+', entityType: 'brokerId', about: 'The in-sync replica IDs.' },
            {
              name: 'LeaderRecoveryState',
              type: 'int8',
              versions: '1+',
              default: '0',
              ignorable: true,
              about: '1 if the partition is recovering from an unclean leader election; 0 otherwise.',
            },
            {
              name: 'PartitionEpoch',
              type: 'int32',
              versions: '0+',
              about:
                'The current epoch for the partition for KRaft controllers. The current ZK version for the legacy controllers.',
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
