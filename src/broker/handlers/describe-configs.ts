/**
 * DescribeConfigs (key 32), versions 0-4.
 *
 * Version notes: v0 has is_default instead of a source; v1 adds synonyms and config_source; v2 is v1;
 * v3 adds config_type and documentation; v4 flexible. Resources: topics (2) and brokers (4; this node's
 * id: every broker config with its source and synonyms, dynamic ones included; "": only the cluster-wide
 * dynamic defaults, as Kafka answers). Other resource types get INVALID_REQUEST; an unknown topic
 * UNKNOWN_TOPIC_OR_PARTITION; a broker id other than this node's INVALID_REQUEST.
 */

import { ConfigResourceType } from '../../metadata/image/configs-image.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResponseDescribeConfigsResult,
  decodeDescribeConfigsRequest,
  encodeDescribeConfigsResponse,
} from '../../protocol/generated/describe-configs.ts'
import {
  DescribeConfigSource,
  type DescribedConfig,
  describeBrokerConfigs,
  describeBrokerDefaultConfigs,
  describeTopicConfigs,
} from '../config-describer.ts'
import { defineHandler } from '../handler.ts'

type Services = 'metadata' | 'config' | 'nodeId'

function result(
  resourceType: number,
  resourceName: string,
  errorCode: number,
  errorMessage: string | null,
): DescribeConfigsResponseDescribeConfigsResult {
  return { errorCode, errorMessage, resourceType, resourceName, configs: [] }
}

export const describeConfigsHandler = defineHandler<DescribeConfigsRequest, DescribeConfigsResponse, Services>({
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeDescribeConfigsRequest,
  encodeResponse: encodeDescribeConfigsResponse,
  handle(ctx, request) {
    const image = ctx.services.metadata()
    const config = ctx.services.config()
    const v = ctx.apiVersion
    const results = request.resources.map((res) => {
      const out = result(res.resourceType, res.resourceName, ErrorCode.NONE, null)
      let described: DescribedConfig[]
      if (res.resourceType === ConfigResourceType.Topic) {
        if (image.topics.getTopic(res.resourceName) === undefined) {
          return result(
            res.resourceType,
            res.resourceName,
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            `Topic ${res.resourceName} does not exist.`,
          )
        }
        described = describeTopicConfigs(
          image.configs.toRecord(ConfigResourceType.Topic, res.resourceName),
          config,
          res.configurationKeys,
        )
      } else if (res.resourceType === ConfigResourceType.Broker) {
        if (res.resourceName !== '' && res.resourceName !== String(ctx.services.nodeId)) {
          return result(
            res.resourceType,
            res.resourceName,
            ErrorCode.INVALID_REQUEST,
            `Unexpected broker id, expected ${ctx.services.nodeId} or empty string, but received ${res.resourceName}`,
          )
        }
        described =
          res.resourceName === ''
            ? describeBrokerDefaultConfigs(config, res.configurationKeys)
            : describeBrokerConfigs(config, res.configurationKeys)
      } else {
        return result(
          res.resourceType,
          res.resourceName,
          ErrorCode.INVALID_REQUEST,
          `Unsupported resource type ${res.resourceType}`,
        )
      }
      out.configs = described.map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: c.readOnly,
        isDefault: c.configSource === DescribeConfigSource.DefaultConfig,
        configSource: c.configSource,
        isSensitive: c.isSensitive,
        synonyms: v >= 1 && request.includeSynonyms ? c.synonyms : [],
        configType: c.configType,
        documentation: v >= 3 && request.includeDocumentation ? c.documentation : null,
      }))
      return out
    })
    return { throttleTimeMs: 0, results }
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.resources.map((r) => result(r.resourceType, r.resourceName, errorCode, null)),
  }),
})
