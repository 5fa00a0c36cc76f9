/**
 * ApiVersions (key 18), versions 0-4.
 *
 * Version notes: v1 adds throttle time; v3 is flexible and carries the client's software name and
 * version (KIP-511), which must match Kafka's pattern or the answer is INVALID_REQUEST; v3+ may carry
 * supported/finalized features (tagged fields) — Samsa sends none yet. The response header is always
 * v0. A version above 4 never reaches this handler: the connection answers it with a v0-shaped
 * UNSUPPORTED_VERSION body so the client can retry lower (see connection.ts).
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import { ApiKey } from '../../protocol/generated/api-message-types.ts'
import {
  type ApiVersionsRequest,
  type ApiVersionsResponse,
  decodeApiVersionsRequest,
  encodeApiVersionsResponse,
} from '../../protocol/generated/api-versions.ts'
import { defineHandler } from '../handler.ts'

const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

function response(errorCode: number, apiKeys: ApiVersionsResponse['apiKeys']): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys,
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  }
}

export const apiVersionsHandler = defineHandler<ApiVersionsRequest, ApiVersionsResponse, 'apiVersions'>({
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeApiVersionsRequest,
  encodeResponse: encodeApiVersionsResponse,
  handle(ctx, request) {
    const apiKeys = ctx.services.apiVersions.map((r) => ({
      apiKey: r.apiKey,
      minVersion: r.minVersion,
      maxVersion: r.maxVersion,
    }))
    if (
      ctx.apiVersion >= 3 &&
      (!SOFTWARE_PATTERN.test(request.clientSoftwareName) || !SOFTWARE_PATTERN.test(request.clientSoftwareVersion))
    ) {
      return response(ErrorCode.INVALID_REQUEST, apiKeys)
    }
    return response(ErrorCode.NONE, apiKeys)
  },
  errorResponse: (_request, errorCode) => response(errorCode, []),
})
