/**
 * LeaveGroup (key 13), versions 0-5.
 *
 * Version notes: v0-2 name one member by member_id and answer one error; v1 adds throttle time; v3
 * batches members identified by member_id and/or group_instance_id, each answered on its own (an empty
 * member_id with a group_instance_id removes that static member, as kafka-consumer-groups and the admin
 * client do, KIP-345); v4 is flexible; v5 adds a reason per member (KIP-800).
 *
 * v0-2 report a member's error as the top-level error (Kafka's LeaveGroupResponse for old versions).
 */
import { leaveGroup } from '../../coordinator/group/group-coordinator-api.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeLeaveGroupRequest,
  encodeLeaveGroupResponse,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
} from '../../protocol/generated/leave-group.ts'
import { defineHandler } from '../handler.ts'

export const leaveGroupHandler = defineHandler<LeaveGroupRequest, LeaveGroupResponse, 'groupCoordinator'>({
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeLeaveGroupRequest,
  encodeResponse: encodeLeaveGroupResponse,
  async handle(ctx, request) {
    const members =
      ctx.apiVersion <= 2 ? [{ memberId: request.memberId, groupInstanceId: null, reason: null }] : request.members
    const result = await leaveGroup(ctx.services.groupCoordinator, request.groupId, members)
    if (ctx.apiVersion >= 3) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members }
    const memberError = result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE
    const errorCode = result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError
    return { throttleTimeMs: 0, errorCode, members: [] }
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode, members: [] }),
})
