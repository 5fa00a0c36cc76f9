/**
 * SyncGroup (key 14), versions 0-5.
 *
 * Version notes: v1 adds throttle time; v2 is v1; v3 adds group_instance_id (KIP-345); v4 is flexible;
 * v5 sends protocol_type and protocol_name, checked against the group's (INCONSISTENT_GROUP_PROTOCOL,
 * KIP-559), and returns them. Sarama sends v0.
 *
 * The leader's SyncGroup carries the assignment, which is written to `__consumer_offsets` before anyone
 * is answered; followers' requests stay parked until then (never an empty assignment while the leader's
 * is pending).
 */
import { syncError } from '../../coordinator/group/classic-sync.ts'
import { syncGroup } from '../../coordinator/group/group-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeSyncGroupRequest,
  encodeSyncGroupResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from '../../protocol/generated/sync-group.ts'
import { defineHandler } from '../handler.ts'

export const syncGroupHandler = defineHandler<SyncGroupRequest, SyncGroupResponse, 'groupCoordinator'>({
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeSyncGroupRequest,
  encodeResponse: encodeSyncGroupResponse,
  handle: (ctx, request) => syncGroup(ctx.services.groupCoordinator, request),
  errorResponse: (_request, errorCode) => syncError(errorCode),
})
