// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

// Version 1 adds InControlledShutdown
// Version 2 adds LogDirs
export const BrokerRegistrationChangeRecordSchema = {
  apiKey: 17,
  type: 'metadata',
  name: 'BrokerRegistrationChangeRecord',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+', entityType: 'brokerId', about: 'The broker id.' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', about: 'The broker epoch assigned by the controller.' },
    {
      name: 'Fenced',
      type: 'int8',
      versions: '0+',
      taggedVersions: '0+',
      tag: 0,
      about: '-1 if the broker has been unfenced, 0 if no change, 1 if the broker has been fenced.',
    },
    {
      name: 'InControlledShutdown',
      type: 'int8',
      versions: '1+',
      taggedVersions: '1+',
      tag: 1,
      about: '0 if no change, 1 if the broker is in controlled shutdown.',
    },
    {
      name: 'LogDirs',
      type: '[]uuid',
      versions: '2+',
      taggedVersions: '2+',
      tag: 2,
      about: 'Log directories configured in this broker which are available.',
    },
  ],
} as const satisfies MessageSchema
