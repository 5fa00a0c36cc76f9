/**
 * JoinGroup (key 11), versions 0-9.
 *
 * Version notes: v1 adds rebalance_timeout_ms (v0 uses the session timeout); v2 adds throttle time;
 * v3 is v2; v4 requires a known member id: a new dynamic member first gets MEMBER_ID_REQUIRED with its
 * id and joins again (KIP-394); v5 adds group_instance_id (static membership, KIP-345); v6 is flexible;
 * v7 returns protocol_type and a nullable protocol_name; v8 adds the join reason (KIP-800); v9 lets a
 * restarted static leader skip the assignment (KIP-814). v0 and v1 stay advertised: librdkafka only
 * enables its balanced consumer when JoinGroup v0 is served, and Sarama sends v1.
 *
 * The request is parked until the join phase completes (all members rejoined, the rebalance timeout,
 * or group.initial.rebalance.delay.ms for a new group).
 */

import { joinError } from '../../coordinator/group/classic-rebalance.ts'
import { clientHostOf } from '../../coordinator/group/client-host.ts'
import { joinGroup } from '../../coordinator/group/group-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeJoinGroupRequest,
  encodeJoinGroupResponse,
  type JoinGroupRequest,
  type JoinGroupResponse,
} from '../../protocol/generated/join-group.ts'
import { defineHandler } from '../handler.ts'

export const joinGroupHandler = defineHandler<JoinGroupRequest, JoinGroupResponse, 'groupCoordinator'>({
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  decodeRequest: decodeJoinGroupRequest,
  encodeResponse: encodeJoinGroupResponse,
  handle(ctx, request) {
    // v0 has no rebalance timeout: the session timeout serves as both.
    const effective = ctx.apiVersion === 0 ? { ...request, rebalanceTimeoutMs: request.sessionTimeoutMs } : request
    return joinGroup(ctx.services.groupCoordinator, effective, {
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx.clientAddress),
      apiVersion: ctx.apiVersion,
    })
  },
  errorResponse: (request, errorCode) => joinError(request.memberId, errorCode),
})
