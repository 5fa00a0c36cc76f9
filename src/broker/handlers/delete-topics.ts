/**
 * DeleteTopics (key 20), versions 0-6.
 *
 * Version notes: v1 throttle time; v4 flexible; v5 error messages; v6 topics by name or id (KIP-516).
 * Unknown names get UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID; with
 * delete.topic.enable=false every topic gets TOPIC_DELETION_DISABLED.
 */
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  decodeDeleteTopicsRequest,
  encodeDeleteTopicsResponse,
} from '../../protocol/generated/delete-topics.ts'
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts'
import { defineHandler } from '../handler.ts'

function targets(request: DeleteTopicsRequest, version: number): { name: string | null; topicId: string | null }[] {
  if (version >= 6) return request.topics.map((t) => ({ name: t.name, topicId: t.name === null ? t.topicId : null }))
  return request.topicNames.map((name) => ({ name, topicId: null }))
}

export const deleteTopicsHandler = defineHandler<DeleteTopicsRequest, DeleteTopicsResponse, 'controller'>({
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  decodeRequest: decodeDeleteTopicsRequest,
  encodeResponse: encodeDeleteTopicsResponse,
  async handle(ctx, request) {
    const results = await ctx.services.controller.deleteTopics(targets(request, ctx.apiVersion))
    return {
      throttleTimeMs: 0,
      responses: results.map((r) => ({
        name: r.name,
        topicId: r.topicId === '' ? ZERO_UUID : r.topicId,
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
      })),
    }
  },
  errorResponse: (request, errorCode, version) => ({
    throttleTimeMs: 0,
    responses: targets(request, version).map((t) => ({
      name: t.name,
      topicId: t.topicId ?? ZERO_UUID,
      errorCode,
      errorMessage: null,
    })),
  }),
})
