/**
 * IncrementalAlterConfigs (key 44), versions 0-1.
 *
 * Version notes: v1 is flexible. Per key: SET (0), DELETE (1, back to the broker default or Kafka's),
 * APPEND (2) and SUBTRACT (3), the last two on list configs only (INVALID_CONFIG otherwise) and starting
 * from the key's current override or its default.
 *
 * Resources: topics (2) and brokers (4: "" = the cluster-wide dynamic default, or this node's id).
 * validate_only checks without changing anything. Errors per resource: UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_CONFIG naming the key (topics), INVALID_REQUEST for broker configs that are unknown, not
 * dynamic or invalid (KAFKA-13609), for duplicate keys, another broker's id and other resource types
 * (BROKER_LOGGER is not served). Changes are ConfigRecords in the metadata log: applied live once
 * committed, and kept across restarts.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  decodeIncrementalAlterConfigsRequest,
  encodeIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsResponseAlterConfigsResourceResponse,
} from '../../protocol/generated/incremental-alter-configs.ts'
import { defineHandler } from '../handler.ts'
import { foreignBrokerProblem } from './alter-configs.ts'

type Services = 'controller' | 'nodeId'

function response(
  resourceType: number,
  resourceName: string,
  errorCode: number,
  errorMessage: string | null,
): IncrementalAlterConfigsResponseAlterConfigsResourceResponse {
  return { errorCode, errorMessage, resourceType, resourceName }
}

export const incrementalAlterConfigsHandler = defineHandler<
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
  Services
>({
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: decodeIncrementalAlterConfigsRequest,
  encodeResponse: encodeIncrementalAlterConfigsResponse,
  async handle(ctx, request) {
    const nodeId = ctx.services.nodeId
    const forwarded = request.resources.filter(
      (r) => foreignBrokerProblem(r.resourceType, r.resourceName, nodeId) === null,
    )
    const results = await ctx.services.controller.incrementalAlterConfigs(
      forwarded.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
      })),
      request.validateOnly,
    )
    let next = 0
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r) => {
        const foreign = foreignBrokerProblem(r.resourceType, r.resourceName, nodeId)
        if (foreign !== null) return response(r.resourceType, r.resourceName, ErrorCode.INVALID_REQUEST, foreign)
        const res = results[next++]!
        return response(r.resourceType, r.resourceName, res.errorCode, res.errorMessage)
      }),
    }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((r) => response(r.resourceType, r.resourceName, errorCode, null)),
  }),
})
