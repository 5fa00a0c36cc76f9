/**
 * Wire helpers shared by the config, DeleteRecords and DescribeLogDirs handler tests: each request is sent
 * with the generated codecs at an explicit version to an embedded broker.
 */

import { decodeAlterConfigsResponse, encodeAlterConfigsRequest } from '../../../src/protocol/generated/alter-configs.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  type DescribeConfigsResponseDescribeConfigsResourceResult,
  decodeDescribeConfigsResponse,
  encodeDescribeConfigsRequest,
} from '../../../src/protocol/generated/describe-configs.ts'
import {
  decodeIncrementalAlterConfigsResponse,
  encodeIncrementalAlterConfigsRequest,
} from '../../../src/protocol/generated/incremental-alter-configs.ts'
import type { WireClient } from '../../helpers/kafka-wire.ts'

export const TOPIC = 2
export const BROKER = 4
export const Op = { Set: 0, Delete: 1, Append: 2, Subtract: 3 } as const

export interface ResourceResult {
  errorCode: number
  errorMessage: string | null
}

export async function alterConfigs(
  c: WireClient,
  version: number,
  resourceType: number,
  resourceName: string,
  configs: Record<string, string | null>,
  validateOnly = false,
): Promise<ResourceResult> {
  const res = await c.request(
    ApiKey.AlterConfigs,
    version,
    (w) =>
      encodeAlterConfigsRequest(w, version, {
        resources: [
          {
            resourceType,
            resourceName,
            configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
          },
        ],
        validateOnly,
      }),
    decodeAlterConfigsResponse,
  )
  return res.responses[0]!
}

export async function incrementalAlterConfigs(
  c: WireClient,
  version: number,
  resourceType: number,
  resourceName: string,
  configs: [string, number, string | null][],
  validateOnly = false,
): Promise<ResourceResult> {
  const res = await c.request(
    ApiKey.IncrementalAlterConfigs,
    version,
    (w) =>
      encodeIncrementalAlterConfigsRequest(w, version, {
        resources: [
          {
            resourceType,
            resourceName,
            configs: configs.map(([name, configOperation, value]) => ({ name, configOperation, value })),
          },
        ],
        validateOnly,
      }),
    decodeIncrementalAlterConfigsResponse,
  )
  return res.responses[0]!
}

/** DescribeConfigs v4 with synonyms: name -> entry. */
export async function describeConfigs(
  c: WireClient,
  resourceType: number,
  resourceName: string,
  keys: string[] | null = null,
): Promise<Map<string, DescribeConfigsResponseDescribeConfigsResourceResult>> {
  const res = await c.request(
    ApiKey.DescribeConfigs,
    4,
    (w) =>
      encodeDescribeConfigsRequest(w, 4, {
        resources: [{ resourceType, resourceName, configurationKeys: keys }],
        includeSynonyms: true,
        includeDocumentation: false,
      }),
    decodeDescribeConfigsResponse,
  )
  const result = res.results[0]!
  if (result.errorCode !== 0) throw new Error(`DescribeConfigs failed: ${result.errorCode} ${result.errorMessage}`)
  return new Map(result.configs.map((e) => [e.name, e]))
}
