// Transcribed from Apache Kafka's message definitions (Apache License 2.0).
import type { MessageSchema } from '../schema-types.ts'

// In version 0, an empty array indicates "request metadata for all topics."  In version 1 and
// higher, an empty array indicates "request metadata for no topics," and a null array is used to
// indicate "request metadata for all topics."
//
// Version 2 and 3 are the same as version 1.
//
// Version 4 adds AllowAutoTopicCreation.
//
// Starting in version 8, authorized operations can be requested for cluster and topic resource.
//
// Version 9 is the first flexible version.
//
// Version 10 adds topicId and allows name field to be null. However, this functionality was not implemented on the server.
// Versions 10 and 11 should not use the topicId field or set topic name to null.
//
// Version 11 deprecates IncludeClusterAuthorizedOperations field. This is now exposed
// by the DescribeCluster API (KIP-700).
// Version 12 supports topic Id.
export const MetadataRequestSchema = {
  apiKey: 3,
  type: 'request',
  name: 'MetadataRequest',
  validVersions: '0-12',
  flexibleVersions: '9+',
  listeners: ['zkBroker', 'broker'],
  fields: [
    {
      name: 'Topics',
      type: '[]MetadataRequestTopic',
      versions: '0+',
      nullableVersions: '1+',
      about: 'The topics to fetch metadata for.',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '10+', ignorable: true, about: 'The topic id.' },
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          nullableVersions: '10+',
          entityType: 'topicName',
          about: 'The topic name.',
        },
      ],
    },
    {
      name: 'AllowAutoTopicCreation',
      type: 'bool',
      versions: '4+',
      default: 'true',
      ignorable: false,
      about:
        'If this is true, the broker may auto-create topics that we requested which do not already exist, if it is configured to do so.',
    },
    {
      name: 'IncludeClusterAuthorizedOperations',
      type: 'bool',
      versions: '8-10',
      about: 'Whether to include cluster authorized operations.',
    },
    {
      name: 'IncludeTopicAuthorizedOperations',
      type: 'bool',
      versions: '8+',
      about: 'Whether to include topic authorized operations.',
    },
  ],
} as const satisfies MessageSchema

// Version 1 adds fields for the rack of each broker, the controller id, and
// whether or not the topic is internal.
//
// Version 2 adds the cluster ID field.
//
// Version 3 adds the throttle time.
//
// Version 4 is the same as version 3.
//
// Version 5 adds a per-partition offline_replicas field. This field specifies
// the list of replicas that are offline.
//
// Starting in version 6, on quota violation, brokers send out responses before throttling.
//
// Version 7 adds the leader epoch to the partition metadata.
//
// Starting in version 8, brokers can send authorized operations for topic and cluster.
//
// Version 9 is the first flexible version.
//
// Version 10 adds topicId.
//
// Version 11 deprecates ClusterAuthorizedOperations. This is now exposed
// by the DescribeCluster API (KIP-700).
// Version 12 supports topicId.
export const MetadataResponseSchema = {
  apiKey: 3,
  type: 'response',
  name: 'MetadataResponse',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'ThrottleTimeMs',
      type: 'int32',
      versions: '3+',
      ignorable: true,
      about:
        'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.',
    },
    {
      name: 'Brokers',
      type: '[]MetadataResponseBroker',
      versions: '0+',
      about: 'A list of brokers present in the cluster.',
      fields: [
        {
          name: 'NodeId',
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
          versions: '1+',
          nullableVersions: '1+',
          default: 'null',
          ignorable: true,
          about: 'The rack of the broker, or null if it has not been assigned to a rack.',
        },
      ],
    },
    {
      name: 'ClusterId',
      type: 'string',
      versions: '2+',
      nullableVersions: '2+',
      default: 'null',
      ignorable: true,
      about: 'The cluster ID that responding broker belongs to.',
    },
    {
      name: 'ControllerId',
      type: 'int32',
      versions: '1+',
      default: '-1',
      entityType: 'brokerId',
      ignorable: true,
      about: 'The ID of the controller broker.',
    },
    {
      name: 'Topics',
      type: '[]MetadataResponseTopic',
      versions: '0+',
      about: 'Each topic in the response.',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+', about: 'The topic error, or 0 if there was no error.' },
        {
          name: 'Name',
          type: 'string',
          versions: '0+',
          nullableVersions: '12+',
          entityType: 'topicName',
          mapKey: true,
          about:
            'The topic name. Null for non-existing topics queried by ID. This is never null when ErrorCode is zero. One of Name and TopicId is always populated.',
        },
        {
          name: 'TopicId',
          type: 'uuid',
          versions: '10+',
          ignorable: true,
          about:
            'The topic id. Zero for non-existing topics queried by name. This is never zero when ErrorCode is zero. One of Name and TopicId is always populated.',
        },
        {
          name: 'IsInternal',
          type: 'bool',
          versions: '1+',
          default: 'false',
          ignorable: true,
          about: 'True if the topic is internal.',
        },
        {
          name: 'Partitions',
          type: '[]MetadataResponsePartition',
          versions: '0+',
          about: 'Each partition in the topic.',
          fields: [
            {
              name: 'ErrorCode',
              type: 'int16',
              versions: '0+',
              about: 'The partition error, or 0 if there was no error.',
            },
            { name: 'PartitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            {
              name: 'LeaderId',
              type: 'int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The ID of the leader broker.',
            },
            {
              name: 'LeaderEpoch',
              type: 'int32',
              versions: '7+',
              default: '-1',
              ignorable: true,
              about: 'The leader epoch of this partition.',
            },
            {
              name: 'ReplicaNodes',
              type: '[]int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The set of all nodes that host this partition.',
            },
            {
              name: 'IsrNodes',
              type: '[]int32',
              versions: '0+',
              entityType: 'brokerId',
              about: 'The set of nodes that are in sync with the leader for this partition.',
            },
            {
              name: 'OfflineReplicas',
              type: '[]int32',
              versions: '5+',
              entityType: 'brokerId',
              ignorable: true,
              about: 'The set of offline replicas of this partition.',
            },
          ],
        },
        {
          name: 'TopicAuthorizedOperations',
          type: 'int32',
          versions: '8+',
          default: '-2147483648',
          about: '32-bit bitfield to represent authorized operations for this topic.',
        },
      ],
    },
    {
      name: 'ClusterAuthorizedOperations',
      type: 'int32',
      versions: '8-10',
      default: '-2147483648',
      about: '32-bit bitfield to represent authorized operations for this cluster.',
    },
  ],
} as const satisfies MessageSchema
