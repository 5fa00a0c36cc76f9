// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Versions 0, 1, 2, and 3 are the same.
//
// Version 4 is the first flexible version.
//
// Version 5 adds ErrorMessage in the response and may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics deletion is throttled (KIP-599).
//
// Version 6 reorganizes topics, adds topic IDs and allows topic names to be null.
export const DeleteTopicsRequestSchema = {
  apiKey: 20,
  type: 'request',
  name: 'DeleteTopicsRequest',
  validVersions: '0-6',
  flexibleVersions: '4+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'Topics',
      type: '[]DeleteTopicState',
      versions: '6+',
      about: 'The name or topic ID of the topic',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '6+',
          nullableVersions: '6+',
          default: 'null',
          entityType: 'topicName',
          about: 'The topic name',
        },
        { name: 'TopicId', type: 'uuid', versions: '6+', about: 'The unique topic ID' },
      ],
    },
    {
      name: 'TopicNames',
      type: '[]string',
      versions: '0-5',
      entityType: 'topicName',
      ignorable: true,
      about: 'The names of the topics to delete',
    },
    {
      name: 'TimeoutMs',
      type: 'int32',
      versions: '0+',
      about: 'The length of time in milliseconds to wait for the deletions to complete.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds the throttle time.
//
// Starting in version 2, on quota violation, brokers send out responses before throttling.
//
// Starting in version 3, a TOPIC_DELETION_DISABLED error code may be returned.
//
// Version 4 is the first flexible version.
//
// Version 5 adds ErrorMessage in the response and may return a THROTTLING_QUOTA_EXCEEDED error
// in the response if the topics deletion is throttled (KIP-599).
//
// Version 6 adds topic ID to responses. An UNSUPPORTED_VERSION error code will be returned when attempting to
// delete using topic IDs when IBP < 2.8. UNKNOWN_TOPIC_ID error code will be returned when IBP is at least 2.8, but
// the topic ID was not found.
export const DeleteTopicsResponseSchema = {
  apiKey: 20,
  type: 'response',
  name: 'DeleteTopicsResponse',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '1+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Responses',
      type: '[]DeletableTopicResult',
      versions: '0+',
      about: 'The results for each topic we tried to delete.',
      fields: [
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          nullableVersions: '6+',
          entityType: 'topicName',
          mapKey: true,
          about: 'The topic name',
        },
        { name: 'TopicId', type: 'uuid', versions: '6+', ignorable: true, about: 'the unique topic ID' },
        {
          name: 'ErrorCode',
          type: 'int16',
          versions: '0+',
          about: 'The deletion error, or 0 if the deletion succeeded.',
        },
        {
          name: 'ErrorMessage',
          type: 'string',
          versions: '5+',
          nullableVersions: '5+',
          default: 'null',
          ignorable: true,
          about: 'The error message, or null if there was no error.',
        },
      ],
    },
  ],
} as const satisfies MessageSchema
