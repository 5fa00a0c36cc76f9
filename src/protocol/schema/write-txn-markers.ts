// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// Version 1 enables flexible versions.
export const WriteTxnMarkersRequestSchema = {
  apiKey: 27,
  type: 'request',
  name: 'WriteTxnMarkersRequest',
  validVersions: '0-1',
  flexibleVersions: '1+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Markers',
      type: '[]WritableTxnMarker',
      versions: '0+',
      about: 'The transaction markers to be written.',
      fields: [
        {
          name: 'ProducerId',
          type: 'int64',
          versions: '0+',
          entityType: 'producerId',
          about: 'The current producer ID.',
        },
        {
          name: 'ProducerEpoch',
          type: 'int16',
          versions: '0+',
          about: 'The current epoch associated with the producer ID.',
        },
        {
          name: 'TransactionResult',
          type: 'bool',
          versions: '0+',
          about: 'The result of the transaction to write to the partitions (false = ABORT, true = COMMIT).',
        },
        {
          name: 'Topics',
          type: '[]WritableTxnMarkerTopic',
          versions: '0+',
          about: 'Each topic that we want to write transaction marker(s) for.',
          fields: [
            { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
            {
              name: 'PartitionIndexes',
              type: '[]int32',
              versions: '0+',
              about: 'The indexes of the partitions to write transaction markers for.',
            },
          ],
        },
        {
          name: 'CoordinatorEpoch',
          type: 'int32',
          versions: '0+',
          about: 'Epoch associated with the transaction state partition hosted by this transaction coordinator',
        },
      ],
    },
  ],
} as const satisfies MessageSchema

// Version 1 enables flexible versions.
export const WriteTxnMarkersResponseSchema = {
  apiKey: 27,
  type: 'response',
  name: 'WriteTxnMarkersResponse',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'Markers',
      type: '[]WritableTxnMarkerResult',
      versions: '0+',
      about: 'The results for writing makers.',
      fields: [
        {
          name: 'ProducerId',
          type: 'int64',
          versions: '0+',
          entityType: 'producerId',
          about: 'The current producer ID in use by the transactional ID.',
        },
        {
          name: 'Topics',
          type: '[]WritableTxnMarkerTopicResult',
          versions: '0+',
          about: 'The results by topic.',
          fields: [
            { name: 'Name', type: 'string', versions: '0+', entityType: 'topicName', about: 'The topic name.' },
            {
              name: 'Partitions',
              type: '[]WritableTxnMarkerPartitionResult',
              versions: '0+',
              about: 'The results by partition.',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
                {
                  name: 'ErrorCode',
                  type: 'int16',
                  versions: '0+',
                  about: 'The error code, or 0 if there was no error.',
                },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSchema
