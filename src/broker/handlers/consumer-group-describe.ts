/**
 * ConsumerGroupDescribe (key 69), version 0 (KIP-848).
 *
 * Describes KIP-848 groups: state, group and assignment epochs, the assignor, and per member its
 * subscription, current assignment and target assignment (topic ids with names). Groups of the classic
 * protocol and unknown groups answer GROUP_ID_NOT_FOUND, an empty id INVALID_GROUP_ID. Authorized
 * operations are "not provided" (INT32_MIN) until ACLs exist.
 *
 * Not yet: version 1 (Kafka 4.0), whose schema Samsa does not carry.
 */

import { describeError } from '../../coordinator/group/consumer/consumer-group-describe.ts'
import { consumerGroupDescribe } from '../../coordinator/group/group-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type ConsumerGroupDescribeRequest,
  type ConsumerGroupDescribeResponse,
  decodeConsumerGroupDescribeRequest,
  encodeConsumerGroupDescribeResponse,
} from '../../protocol/generated/consumer-group-describe.ts'
import { defineHandler } from '../handler.ts'

export const consumerGroupDescribeHandler = defineHandler<
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  'groupCoordinator'
>({
  apiKey: ApiKey.ConsumerGroupDescribe,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
  decodeRequest: decodeConsumerGroupDescribeRequest,
  encodeResponse: encodeConsumerGroupDescribeResponse,
  handle: (ctx, request) => ({
    throttleTimeMs: 0,
    groups: consumerGroupDescribe(ctx.services.groupCoordinator, request.groupIds),
  }),
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    groups: request.groupIds.map((g) => describeError(g, errorCode, null)),
  }),
})
