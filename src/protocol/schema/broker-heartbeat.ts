// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

export const BrokerHeartbeatRequestSchema = {
  apiKey: 63,
  type: 'request',
  name: 'BrokerHeartbeatRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  listeners: ['controller'],
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+', entityType: 'brokerId', about: 'The broker ID.' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1', about: 'The broker epoch.' },
    {
      name: 'CurrentMetadataOffset',
      type: 'int64',
      versions: '0+',
      about: 'The highest metadata offset which the broker has reached.',
    },
    {
      name: 'WantFence',
      type: 'bool',
      versions: '0+',
      about: 'True if the broker wants to be fenced, false otherwise.',
    },
    {
      name: 'WantShutDown',
      type: 'bool',
      versions: '0+',
      about: 'True if the broker wants to be shut down, false otherwise.',
    },
    {
      name: 'OfflineLogDirs',
      type: '[]uuid',
      versions: '1+',
      taggedVersions: '1+',
      tag: 0,
      about: 'Log directories that failed and went offline.',
    },
  ],
} as const satisfies MessageSchema

export const BrokerHeartbeatResponseSchema = {
  apiKey: 63,
  type: 'response',
  name: 'BrokerHeartbeatResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The error code, or 0 if there was no error.' },
    {
      name: 'IsCaughtUp',
      type: 'bool',
      versions: '0+',
      default: 'false',
      about: 'True if the broker has approximately caught up with the latest metadata.',
    },
    { name: 'IsFenced', type: 'bool', versions: '0+', default: 'true', about: 'True if the broker is fenced.' },
    {
      name: 'ShouldShutDown',
      type: 'bool',
      versions: '0+',
      about: 'True if the broker should proceed with its shutdown.',
    },
  ],
} as const satisfies MessageSchema
