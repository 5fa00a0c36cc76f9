/**
 * DeleteGroups (key 42), versions 0-2.
 *
 * Version notes: v1 is v0; v2 is flexible.
 *
 * Deletes empty groups with their committed offsets (tombstones in `__consumer_offsets`); a group with
 * members answers NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
 */
import { deleteGroups } from '../../coordinator/group/group-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
  decodeDeleteGroupsRequest,
  encodeDeleteGroupsResponse,
} from '../../protocol/generated/delete-groups.ts'
import { defineHandler } from '../handler.ts'

export const deleteGroupsHandler = defineHandler<DeleteGroupsRequest, DeleteGroupsResponse, 'groupCoordinator'>({
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest: decodeDeleteGroupsRequest,
  encodeResponse: encodeDeleteGroupsResponse,
  async handle(ctx, request) {
    return { throttleTimeMs: 0, results: await deleteGroups(ctx.services.groupCoordinator, request.groupsNames) }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.groupsNames.map((groupId) => ({ groupId, errorCode })),
  }),
})
