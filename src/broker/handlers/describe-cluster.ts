/**
 * DescribeCluster (key 60), versions 0-1.
 *
 * Version notes: v1 adds endpoint_type (1 = brokers, 2 = controllers, KIP-919). In combined mode the
 * controller endpoints are this node's; Samsa serves only the brokers endpoint type.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type DescribeClusterRequest,
  type DescribeClusterResponse,
  decodeDescribeClusterRequest,
  encodeDescribeClusterResponse,
} from '../../protocol/generated/describe-cluster.ts'
import { defineHandler } from '../handler.ts'
import { brokersFor } from './metadata.ts'

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648
const ENDPOINT_TYPE_BROKER = 1

function response(
  errorCode: number,
  errorMessage: string | null,
  clusterId: string,
  controllerId: number,
): DescribeClusterResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    endpointType: ENDPOINT_TYPE_BROKER,
    clusterId,
    controllerId,
    brokers: [],
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }
}

export const describeClusterHandler = defineHandler<
  DescribeClusterRequest,
  DescribeClusterResponse,
  'metadata' | 'clusterId' | 'nodeId'
>({
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: decodeDescribeClusterRequest,
  encodeResponse: encodeDescribeClusterResponse,
  handle(ctx, request) {
    const { clusterId, nodeId } = ctx.services
    if (ctx.apiVersion >= 1 && request.endpointType !== ENDPOINT_TYPE_BROKER) {
      return response(
        ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        'The controller endpoints are not exposed on this listener.',
        clusterId,
        nodeId,
      )
    }
    const out = response(ErrorCode.NONE, null, clusterId, nodeId)
    out.brokers = brokersFor(ctx.services.metadata(), ctx.listenerName).map((b) => ({
      brokerId: b.nodeId,
      host: b.host,
      port: b.port,
      rack: b.rack,
    }))
    if (request.includeClusterAuthorizedOperations) out.clusterAuthorizedOperations = 0
    return out
  },
  errorResponse: (_request, errorCode) => response(errorCode, null, '', -1),
})
