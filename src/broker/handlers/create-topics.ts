/**
 * CreateTopics (key 19), versions 0-7.
 *
 * Version notes: v1 validate_only; v2 error messages; v3 is v2; v4 lets num_partitions and
 * replication_factor be -1 (broker defaults, KIP-464); v5 flexible, and results carry the topic's
 * partition count, replication factor and configs (KIP-525); v7 topic ids.
 *
 * Explicit replica assignments are checked against the registered brokers: on a single node any
 * replica other than this node is refused with INVALID_REPLICA_ASSIGNMENT naming the broker.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  type CreateTopicsResponseCreatableTopicResult,
  decodeCreateTopicsRequest,
  encodeCreateTopicsResponse,
} from '../../protocol/generated/create-topics.ts'
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts'
import { describeTopicConfigs } from '../config-describer.ts'
import { defineHandler } from '../handler.ts'

type Services = 'controller' | 'config'

function result(
  name: string,
  errorCode: number,
  errorMessage: string | null,
): CreateTopicsResponseCreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  }
}

export const createTopicsHandler = defineHandler<CreateTopicsRequest, CreateTopicsResponse, Services>({
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  decodeRequest: decodeCreateTopicsRequest,
  encodeResponse: encodeCreateTopicsResponse,
  async handle(ctx, request) {
    const results = await ctx.services.controller.createTopics(request.topics, request.validateOnly)
    const config = ctx.services.config()
    return {
      throttleTimeMs: 0,
      topics: results.map((r, i) => {
        const out = result(r.name, r.errorCode, r.errorMessage)
        if (r.errorCode !== ErrorCode.NONE) return out
        out.topicId = r.topicId === '' ? ZERO_UUID : r.topicId
        out.numPartitions = r.numPartitions
        out.replicationFactor = r.replicationFactor
        if (ctx.apiVersion >= 5) {
          const overrides: Record<string, string> = {}
          for (const c of request.topics[i]?.configs ?? []) if (c.value !== null) overrides[c.name] = c.value
          out.configs = describeTopicConfigs(overrides, config).map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            configSource: c.configSource,
            isSensitive: c.isSensitive,
          }))
        }
        return out
      }),
    }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => result(t.name, errorCode, null)),
  }),
})
