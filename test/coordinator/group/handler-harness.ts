import type { ApiHandler, RequestContext } from '../../../src/broker/handler.ts'
import type { BrokerServices } from '../../../src/broker/services.ts'
import { silentLogger } from '../../../src/common/log.ts'
import { Reader } from '../../../src/protocol/primitives/reader.ts'
import { Writer } from '../../../src/protocol/primitives/writer.ts'
import type { GroupTestContext } from './group-test-context.ts'

type GroupServices = 'groupCoordinator' | 'metadata'

/** A request context for group handlers over a GroupTestContext's coordinator and image. */
export function requestContext(
  ctx: GroupTestContext,
  apiVersion: number,
  clientId = 'test-client',
): RequestContext<GroupServices> {
  const services: Pick<BrokerServices, GroupServices> = {
    groupCoordinator: ctx.gc,
    metadata: () => ctx.image,
  }
  return {
    header: { apiKey: -1, apiVersion, correlationId: 1, clientId },
    apiVersion,
    clientId,
    connectionId: 'conn-1',
    clientAddress: '127.0.0.1:54321',
    listenerName: 'PLAINTEXT',
    logger: silentLogger(),
    scheduler: ctx.scheduler,
    services,
    signal: new AbortController().signal,
    closeConnection: () => undefined,
    onResponseDone: () => undefined,
  }
}

/**
 * Sends a request through the wire: encoded with the client-side encoder at `version`, decoded by the
 * handler, handled, encoded by the handler and decoded with the client-side decoder.
 */
export async function roundTrip<Req, Res>(
  handler: ApiHandler<Req, Res, never>,
  ctx: GroupTestContext,
  version: number,
  request: Req,
  encodeRequest: (w: Writer, v: number, m: Req) => void,
  decodeResponse: (r: Reader, v: number) => Res,
): Promise<Res> {
  const w = new Writer()
  encodeRequest(w, version, request)
  const decoded = handler.decodeRequest(new Reader(w.toBuffer()), version)
  const response = await (handler as unknown as ApiHandler<Req, Res, GroupServices>).handle(
    requestContext(ctx, version),
    decoded,
  )
  const out = new Writer()
  handler.encodeResponse(out, version, response as Res)
  return decodeResponse(new Reader(out.toBuffer()), version)
}
