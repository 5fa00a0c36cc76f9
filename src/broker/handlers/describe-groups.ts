/**
 * DescribeGroups (key 15), versions 0-5.
 *
 * Version notes: v1 adds throttle time; v2 is v1; v3 adds include_authorized_operations; v4 returns
 * members' group_instance_id; v5 is flexible.
 *
 * Each member comes with its assignment; its metadata (subscription) only when the group is Stable, as
 * Kafka does. An unknown group is described as Dead with NONE. Authorized operations are reported as
 * "not provided" (INT32_MIN) until ACLs exist.
 */
import { describeGroups } from '../../coordinator/group/group-coordinator-api.ts'
import { describedGroup } from '../../coordinator/group/group-metadata-manager.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  decodeDescribeGroupsRequest,
  encodeDescribeGroupsResponse,
} from '../../protocol/generated/describe-groups.ts'
import { defineHandler } from '../handler.ts'

export const describeGroupsHandler = defineHandler<DescribeGroupsRequest, DescribeGroupsResponse, 'groupCoordinator'>({
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeDescribeGroupsRequest,
  encodeResponse: encodeDescribeGroupsResponse,
  handle: (ctx, request) => ({
    throttleTimeMs: 0,
    groups: describeGroups(ctx.services.groupCoordinator, request.groups),
  }),
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    groups: request.groups.map((g) => describedGroup(g, errorCode, '', '', '')),
  }),
})
