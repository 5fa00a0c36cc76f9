/**
 * ListGroups (key 16), versions 0-5.
 *
 * Version notes: v1 adds throttle time; v2 is v1; v3 is flexible; v4 adds states_filter (KIP-518,
 * case-insensitive state names); v5 adds types_filter and returns each group's type (KIP-848).
 *
 * Lists the groups of every `__consumer_offsets` partition this broker leads (clients ask every broker);
 * while one of them still loads the answer is COORDINATOR_LOAD_IN_PROGRESS, as Kafka.
 */
import { listGroups } from '../../coordinator/group/group-coordinator-api.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeListGroupsRequest,
  encodeListGroupsResponse,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../../protocol/generated/list-groups.ts'
import { defineHandler } from '../handler.ts'

export const listGroupsHandler = defineHandler<ListGroupsRequest, ListGroupsResponse, 'groupCoordinator'>({
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeListGroupsRequest,
  encodeResponse: encodeListGroupsResponse,
  handle(ctx, request) {
    const result = listGroups(ctx.services.groupCoordinator, request.statesFilter, request.typesFilter)
    return { throttleTimeMs: 0, errorCode: result.errorCode, groups: result.groups }
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode, groups: [] }),
})
