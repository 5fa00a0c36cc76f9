// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

//
// Version 1 adds EndpointType for KIP-919 support.
//
export const DescribeClusterRequestSchema = {
  apiKey: 60,
  type: 'request',
  name: 'DescribeClusterRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  listeners: ['zkBroker', 'broker', 'controller'],
  fields: [
    {
      name: 'IncludeClusterAuthorizedOperations',
      type: 'bool',
      versions: '0+',
      about: 'Whether to include cluster authorized operations.',
    },
    {
      name: 'EndpointType',
      type: 'int8',
      versions: '1+',
      default: '1',
      about: 'The endpoint type to describe. 1=brokers, 2=controllers.',
    },
  ],
} as const satisfies MessageSchema

//
// Version 1 adds the EndpointType field, and makes MISMATCHED_ENDPOINT_TYPE and
// UNSUPPORTED_ENDPOINT_TYPE valid top-level response error codes.
//
export const DescribeClusterResponseSchema = {
  apiKey: 60,
  type: 'response',
  name: 'DescribeClusterResponse',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '0+',
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The top-level error code, or 0 if there was no error' },
    {
      name: 'ErrorMessage',
      type: 'string',
      versions: '0+',
      nullableVersions: '0+',
      default: 'null',
      about: 'The top-level error message, or null if there was no error.',
    },
    {
      name: 'EndpointType',
      type: 'int8',
      versions: '1+',
      default: '1',
      about: 'The endpoint type that was described. 1=brokers, 2=controllers.',
    },
    { name: 'ClusterId', type: 'string', versions: '0+', about: 'The cluster ID that responding broker belongs to.' },
    {
      name: 'ControllerId',
      type: 'int32',
      versions: '0+',
      default: '-1',
      entityType: 'brokerId',
      about: 'The ID of the controller broker.',
    },
    {
      name: 'Brokers',
      type: '[]DescribeClusterBroker',
      versions: '0+',
      about: 'Each broker in the response.',
      fields: [
        {
          name: 'BrokerId',
          type: 'int32',
          versions: '0+',
          entityType: 'brokerId',
          mapKey: true,
          about: 'The broker ID.',
        },
        { name: 'Host', type: 'string', versions: '0+', about: 'The broker hostname.' },
        { name: 'Port', type: 'int32', versions: '0+', about: 'The broker port.' },
        {
          name: 'Rack',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          default: 'null',
          about: 'The rack of the broker, or null if it has not been assigned to a rack.',
        },
      ],
    },
    {
      name: 'ClusterAuthorizedOperations',
      type: 'int32',
      versions: '0+',
      default: '-2147483648',
      about: '32-bit bitfield to represent authorized operations for this cluster.',
    },
  ],
} as const satisfies MessageSchema
