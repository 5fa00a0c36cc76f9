/**
 * ConsumerGroupHeartbeat (key 68), versions 0-1 (KIP-848, the next-generation consumer rebalance
 * protocol).
 *
 * Version notes: v0 subscribes by topic names; v1 adds SubscribedTopicRegex (full-match regular
 * expression over the existing non-internal topics, INVALID_REGULAR_EXPRESSION when it does not compile).
 * Every version is flexible.
 *
 * The member joins with epoch 0 (the coordinator generates its member id when it sends none), heartbeats
 * with its epoch and owned partitions, and leaves with -1 (-2: a static member that will come back).
 * Assignments are computed on the broker by group.consumer.assignors ("uniform", the default, and
 * "range"). Answers UNSUPPORTED_VERSION when "consumer" is not in group.coordinator.rebalance.protocols.
 *
 * Not yet: classic members (JoinGroup) inside a KIP-848 group and online upgrade/downgrade between the
 * protocols; rack-aware assignment.
 */
import { clientHostOf } from '../../coordinator/group/client-host.ts'
import { consumerGroupHeartbeat } from '../../coordinator/group/group-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
  decodeConsumerGroupHeartbeatRequest,
  encodeConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/consumer-group-heartbeat.ts'
import { defineHandler } from '../handler.ts'

export const consumerGroupHeartbeatHandler = defineHandler<
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  'groupCoordinator'
>({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: decodeConsumerGroupHeartbeatRequest,
  encodeResponse: encodeConsumerGroupHeartbeatResponse,
  handle: (ctx, request) =>
    consumerGroupHeartbeat(ctx.services.groupCoordinator, request, {
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx.clientAddress),
    }),
  errorResponse: (_request, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage: null,
    memberId: null,
    memberEpoch: 0,
    heartbeatIntervalMs: 0,
    assignment: null,
  }),
})
