import { ProtocolDecodeError } from '../common/errors.ts'
import { API_MESSAGE_TYPES, ApiKey, type ApiMessageType } from './generated/api-message-types.ts'
import type { Reader } from './primitives/reader.ts'
import type { Writer } from './primitives/writer.ts'

/**
 * Request and response headers (Kafka's RequestHeader.json / ResponseHeader.json).
 *
 * Request header v1 (every non-flexible request): api_key, api_version, correlation_id, client_id.
 * Request header v2 (every flexible request): v1 + tagged fields. client_id stays an int16-length
 * string even in v2, so a broker can read the header of any version, including one it does not know.
 * Response header v0: correlation_id. Response header v1 (flexible): + tagged fields, except
 * ApiVersions, whose response header is always v0 so a client can parse it before knowing versions.
 */
export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

const BY_KEY: (ApiMessageType | undefined)[] = []
for (const t of API_MESSAGE_TYPES) BY_KEY[t.apiKey] = t

export function apiMessageType(apiKey: number): ApiMessageType | undefined {
  return BY_KEY[apiKey]
}

export function isFlexibleRequest(apiKey: number, apiVersion: number): boolean {
  const t = BY_KEY[apiKey]
  return t !== undefined && t.requestFlexibleMin >= 0 && apiVersion >= t.requestFlexibleMin
}

export function isFlexibleResponse(apiKey: number, apiVersion: number): boolean {
  const t = BY_KEY[apiKey]
  return t !== undefined && t.responseFlexibleMin >= 0 && apiVersion >= t.responseFlexibleMin
}

/** Response header version 1 carries tagged fields; ApiVersions always answers with version 0. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0
  return isFlexibleResponse(apiKey, apiVersion) ? 1 : 0
}

/**
 * Reads the fixed part of a request header (key, version, correlation id, client id). The tagged
 * fields of header v2 are read by `readRequestHeaderTags` once the caller knows the version is one it
 * serves; for an unknown version the body is never parsed.
 */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.readInt16()
  const apiVersion = r.readInt16()
  const correlationId = r.readInt32()
  // ControlledShutdown v0 is the only request with header v0 (no client id); Samsa does not serve it.
  const clientId = r.readNullableString()
  return { apiKey, apiVersion, correlationId, clientId }
}

export function readRequestHeaderTags(r: Reader, header: RequestHeader): void {
  if (isFlexibleRequest(header.apiKey, header.apiVersion)) r.readTaggedFields()
}

export function writeRequestHeader(w: Writer, header: RequestHeader): void {
  if (header.apiVersion < 0) throw new ProtocolDecodeError(`invalid api version ${header.apiVersion}`)
  w.writeInt16(header.apiKey)
  w.writeInt16(header.apiVersion)
  w.writeInt32(header.correlationId)
  w.writeNullableString(header.clientId)
  if (isFlexibleRequest(header.apiKey, header.apiVersion)) w.writeEmptyTaggedFields()
}

export function writeResponseHeader(w: Writer, apiKey: number, apiVersion: number, correlationId: number): void {
  w.writeInt32(correlationId)
  if (responseHeaderVersion(apiKey, apiVersion) === 1) w.writeEmptyTaggedFields()
}

/** Reads a response header for a request the reader sent (so it knows key and version). */
export function readResponseHeader(r: Reader, apiKey: number, apiVersion: number): number {
  const correlationId = r.readInt32()
  if (responseHeaderVersion(apiKey, apiVersion) === 1) r.readTaggedFields()
  return correlationId
}
