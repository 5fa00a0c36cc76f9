import type { Logger } from '../common/log.ts'
import type { Scheduler } from '../common/scheduler.ts'
import type { RequestHeader } from '../protocol/headers.ts'
import type { Reader } from '../protocol/primitives/reader.ts'
import type { Writer } from '../protocol/primitives/writer.ts'
import type { BrokerServices } from './services.ts'

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('samsa.no-response')
export type NoResponse = typeof NO_RESPONSE

/**
 * What a handler knows about the request it serves. Deliberately narrow: identity and plumbing, plus
 * the broker's capabilities in `services`. A handler names the services it uses in its type, so a unit
 * test fakes only those (the opposite of Kafka's KafkaApis with its 22 constructor dependencies).
 */
export interface RequestContext<S extends keyof BrokerServices = keyof BrokerServices> {
  readonly header: RequestHeader
  readonly apiVersion: number
  readonly clientId: string | null
  readonly connectionId: string
  readonly clientAddress: string
  readonly listenerName: string
  readonly logger: Logger
  readonly scheduler: Scheduler
  readonly services: Pick<BrokerServices, S>
  /** Aborted when the connection closes, so long polls can stop waiting. */
  readonly signal: AbortSignal
  /** Closes this connection (acks=0 Produce reports a failure this way, as Kafka does). */
  closeConnection(reason: string): void
  /**
   * Runs `callback` once nothing refers to this request's response any more: the socket has written it,
   * or it was never sent (no response, a failure, a closed connection). Borrowed buffers go back then.
   */
  onResponseDone(callback: () => void): void
}

/**
 * One Kafka API. Each `broker/handlers/<api>.ts` exports one of these; `handlers/index.ts` lists them and
 * the dispatcher builds a lookup table by API key. ApiVersions is derived from that list, so the broker
 * can never advertise an API it lacks.
 */
export interface ApiHandler<Req, Res, S extends keyof BrokerServices = keyof BrokerServices> {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  decodeRequest(r: Reader, version: number): Req
  encodeResponse(w: Writer, version: number, response: Res): void
  handle(ctx: RequestContext<S>, request: Req): Promise<Res | NoResponse> | Res | NoResponse
  /**
   * The response that reports `errorCode` for every resource in the request (Kafka's
   * AbstractRequest.getErrorResponse). Used when `handle` fails unexpectedly.
   */
  errorResponse(request: Req, errorCode: number, version: number): Res
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds handlers of every request/response type.
export type AnyApiHandler = ApiHandler<any, any, any>

/** Identity helper that keeps each handler's request/response types checked at its definition. */
export function defineHandler<Req, Res, S extends keyof BrokerServices>(
  h: ApiHandler<Req, Res, S>,
): ApiHandler<Req, Res, S> {
  return h
}
