// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../../../protocol/schema-types.ts'

// Note: New metadata logs and snapshots begin with a FeatureLevelRecord which specifies the
// metadata level that is required to read them. The version of that record cannot advance
// beyond 0, for backwards compatibility reasons.
export const FeatureLevelRecordSchema = {
  apiKey: 12,
  type: 'metadata',
  name: 'FeatureLevelRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Name', type: 'string', versions: '0+', about: 'The feature name.' },
    {
      name: 'FeatureLevel',
      type: 'int16',
      versions: '0+',
      about:
        'The current finalized feature level of this feature for the cluster, a value of 0 means feature not supported.',
    },
  ],
} as const satisfies MessageSchema
