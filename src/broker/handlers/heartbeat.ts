/**
 * Heartbeat (key 12), versions 0-4.
 *
 * Version notes: v1 adds throttle time; v2 is v1; v3 adds group_instance_id (KIP-345); v4 is flexible.
 *
 * Answers REBALANCE_IN_PROGRESS while the group prepares a rebalance (the member must rejoin),
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID for stale members, and NONE while the
 * group's partition is still loading (as Kafka: the member keeps its session).
 */
import { heartbeat } from '../../coordinator/group/group-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeHeartbeatRequest,
  encodeHeartbeatResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from '../../protocol/generated/heartbeat.ts'
import { defineHandler } from '../handler.ts'

export const heartbeatHandler = defineHandler<HeartbeatRequest, HeartbeatResponse, 'groupCoordinator'>({
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeHeartbeatRequest,
  encodeResponse: encodeHeartbeatResponse,
  async handle(ctx, request) {
    return { throttleTimeMs: 0, errorCode: await heartbeat(ctx.services.groupCoordinator, request) }
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode }),
})
