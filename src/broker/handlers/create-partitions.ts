/**
 * CreatePartitions (key 37), versions 0-3.
 *
 * Version notes: v1 is v0; v2 flexible; v3 is v2. The count must exceed the current partition count
 * (INVALID_PARTITIONS); explicit assignments must name registered brokers (INVALID_REPLICA_ASSIGNMENT).
 */
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
  decodeCreatePartitionsRequest,
  encodeCreatePartitionsResponse,
} from '../../protocol/generated/create-partitions.ts'
import { defineHandler } from '../handler.ts'

export const createPartitionsHandler = defineHandler<CreatePartitionsRequest, CreatePartitionsResponse, 'controller'>({
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  decodeRequest: decodeCreatePartitionsRequest,
  encodeResponse: encodeCreatePartitionsResponse,
  async handle(ctx, request) {
    const results = await ctx.services.controller.createPartitions(request.topics, request.validateOnly)
    return { throttleTimeMs: 0, results }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null })),
  }),
})
