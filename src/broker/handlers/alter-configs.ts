/**
 * AlterConfigs (key 33), versions 0-2.
 *
 * Version notes: v1 is v0; v2 is flexible. Deprecated by IncrementalAlterConfigs: the configs given for a
 * resource replace its whole set of overrides (keys not named return to their defaults), as Kafka does.
 *
 * Resources: topics (2) and brokers (4: "" = the cluster-wide dynamic default, or this node's id).
 * validate_only checks without changing anything. Errors per resource: UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_CONFIG naming the key (topics), INVALID_REQUEST for broker configs that are unknown, not
 * dynamic or invalid (Kafka's answer, KAFKA-13609), for another broker's id and for other resource types.
 * Changes are ConfigRecords in the metadata log: applied live once committed, and kept across restarts.
 */
import { ConfigResourceType } from '../../metadata/image/configs-image.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import {
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  type AlterConfigsResponseAlterConfigsResourceResponse,
  decodeAlterConfigsRequest,
  encodeAlterConfigsResponse,
} from '../../protocol/generated/alter-configs.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import { defineHandler } from '../handler.ts'

type Services = 'controller' | 'nodeId'

function response(
  resourceType: number,
  resourceName: string,
  errorCode: number,
  errorMessage: string | null,
): AlterConfigsResponseAlterConfigsResourceResponse {
  return { errorCode, errorMessage, resourceType, resourceName }
}

/** A broker resource other than this node or the cluster default: Kafka's broker-side check. */
export function foreignBrokerProblem(resourceType: number, resourceName: string, nodeId: number): string | null {
  if (resourceType !== ConfigResourceType.Broker || resourceName === '' || resourceName === String(nodeId)) return null
  return `Unexpected broker id, expected ${nodeId} or empty string, but received ${resourceName}`
}

export const alterConfigsHandler = defineHandler<AlterConfigsRequest, AlterConfigsResponse, Services>({
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest: decodeAlterConfigsRequest,
  encodeResponse: encodeAlterConfigsResponse,
  async handle(ctx, request) {
    const nodeId = ctx.services.nodeId
    const forwarded = request.resources.filter(
      (r) => foreignBrokerProblem(r.resourceType, r.resourceName, nodeId) === null,
    )
    const results = await ctx.services.controller.legacyAlterConfigs(
      forwarded.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs })),
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
