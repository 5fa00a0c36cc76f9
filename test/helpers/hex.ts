/**
 * For byte-exact protocol tests: expected bytes written out by hand as hex, one string per field so each
 * field carries its own comment, and the framing helpers that put a codec's output next to them.
 */
import {
  type RequestHeader,
  readRequestHeader,
  readRequestHeaderTags,
  writeRequestHeader,
  writeResponseHeader,
} from '../../src/protocol/headers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import { WireClient } from './kafka-wire.ts'

/** Bytes from hex fields: `hex('00 12', '00 03')`. Whitespace is ignored; anything else must be hex. */
export function hex(...fields: (string | Buffer)[]): Buffer {
  return Buffer.concat(
    fields.map((f) => {
      if (Buffer.isBuffer(f)) return f
      const digits = f.replace(/\s+/g, '')
      if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not hex bytes: ${f}`)
      return Buffer.from(digits, 'hex')
    }),
  )
}

/** The bytes of a UTF-8 string, for readable expectations: `utf8('foo')` = 66 6f 6f. */
export const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8')

/** A request as it follows the size prefix: request header (v1, or v2 when flexible) and body. */
export function requestBytes(header: RequestHeader, body: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  writeRequestHeader(w, header)
  body(w)
  return w.toBuffer()
}

/** A response as it follows the size prefix: response header (v0, or v1 when flexible) and body. */
export function responseBytes(
  apiKey: number,
  version: number,
  correlationId: number,
  body: (w: Writer) => void,
): Buffer {
  const w = new Writer(64)
  writeResponseHeader(w, apiKey, version, correlationId)
  body(w)
  return w.toBuffer()
}

/** Splits request bytes into the header and a reader positioned at the body. */
export function readRequest(bytes: Buffer): { header: RequestHeader; body: Reader } {
  const r = new Reader(bytes)
  const header = readRequestHeader(r)
  readRequestHeaderTags(r, header)
  return { header, body: r }
}

/** Sends request bytes (header + body, without the size prefix) and returns the response frame's bytes. */
export async function roundTrip(port: number, request: Buffer): Promise<Buffer> {
  const c = await WireClient.connect(port)
  try {
    const size = Buffer.alloc(4)
    size.writeInt32BE(request.length)
    c.send(Buffer.concat([size, request]))
    return Buffer.from(await c.nextFrame())
  } finally {
    c.close()
  }
}
