// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 is the same as version 0.
//
// Version 2 adds flexible version support
//
// Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the partitions creation is throttled (KIP-599).
export const CreatePartitionsRequestSchema = {
  apiKey: 37,
  type: 'request',
  name: 'CreatePartitionsRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Topics',
      type: '[]CreatePartitionsTopic',
      versions: '0+',
      about: 'Each topic that we want to create new partitions inside.',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name.',
        },
        { name: 'Count', type: 'int32', versions: '0+', about: 'The new partition count.' },
        {
          name: 'Assignments',
          type: '[]CreatePartitionsAssignment',
          versions: '0+',
          nullableVersions: '0+',
          about: 'The new partition assignments.',
          fields: [
            {
              name: 'BrokerIds',
              type: '[]int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The assigned broker IDs.',
            },
          ],
        },
      ],
    },
    {
      name: 'TimeoutMs',
      type: 'int32',
      versions: '0+',
      about: 'The time in ms to wait for the partitions to be created.',
    },
    {
      name: 'ValidateOnly',
      type: 'bool',
      versions: '0+',
      about: "If true, then validate the request, but don't actually increase the number of partitions.",
    },
  ],
} as const satisfies MessageSchema

// Starting in version 1, on quota violation, brokers send out responses before throttling.
//
// Version 2 adds flexible version support
//
// Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the partitions creation is throttled (KIP-599).
export const CreatePartitionsResponseSchema = {
  apiKey: 37,
  type: 'response',
  name: 'CreatePartitionsResponse',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Results',
      type: '[]CreatePartitionsTopicResult',
      versions: '0+',
      about: 'The partition creation results for each topic.',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The result error, or zero if there was no error.' },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          default: 'null',
          about: 'The result message, or null if there was no error.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
