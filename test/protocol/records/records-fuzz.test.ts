/**
 * Hostile input: random bytes, truncated and mutated batches (v2 and legacy, every codec) and mutated
 * compressed data must give a result or a SamsaError (a KafkaProtocolError where the API documents one),
 * never another exception, a crash or a hang (each test has a time limit). The async decoder used on
 * request paths must agree with the sync one, result for result and error code for error code.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { SamsaError } from '../../../src/common/errors.ts'
import { KafkaProtocolError } from '../../../src/protocol/kafka-protocol-error.ts'
import { CompressionType, compress, decompress } from '../../../src/protocol/records/compression/index.ts'
import { crc32c } from '../../../src/protocol/records/crc32c.ts'
import { downConvertBatches, upConvertMessageSet } from '../../../src/protocol/records/legacy.ts'
import { encodeLegacyMessages, encodeLegacyWrapper } from '../../../src/protocol/records/legacy-message-set.ts'
import {
  decodeRecordBatch,
  decodeRecordBatchAsync,
  decodeRecordBatches,
  encodeRecordBatch,
  type RecordInput,
} from '../../../src/protocol/records/records.ts'

const LIMIT = { timeout: 120_000 }
const CODECS = [0, 1, 2, 3, 4] as const

type Allowed = 'samsa' | 'kafka'

/** Runs `f`; an exception other than the allowed kinds fails the property. */
function survives(f: () => unknown, allowed: readonly Allowed[] = ['samsa']): void {
  try {
    f()
  } catch (err) {
    if (allowed.includes('samsa') && err instanceof SamsaError) return
    if (allowed.includes('kafka') && err instanceof KafkaProtocolError) return
    throw err
  }
}

async function survivesAsync(f: () => Promise<unknown>, allowed: readonly Allowed[] = ['samsa']): Promise<void> {
  try {
    await f()
  } catch (err) {
    if (allowed.includes('samsa') && err instanceof SamsaError) return
    if (allowed.includes('kafka') && err instanceof KafkaProtocolError) return
    throw err
  }
}

/** The async decoder gives what the sync one gives: the same batch, or an error with the same code. */
async function sameAsSync(buf: Buffer, verifyCrc: boolean): Promise<void> {
  const outcome = (f: () => unknown) => {
    try {
      return { batch: f() }
    } catch (err) {
      if (err instanceof SamsaError) return { error: err.code }
      throw err
    }
  }
  const sync = outcome(() => decodeRecordBatch(buf, 0, { verifyCrc }))
  let async: { batch: unknown } | { error: string }
  try {
    async = { batch: await decodeRecordBatchAsync(buf, 0, { verifyCrc }) }
  } catch (err) {
    if (!(err instanceof SamsaError)) throw err
    async = { error: err.code }
  }
  assert.deepEqual(async, sync)
}

const recordArb = fc.record({
  key: fc.option(
    fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
    { nil: null },
  ),
  value: fc.option(
    fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
    { nil: null },
  ),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 5 }), value: fc.constant(null) }), { maxLength: 2 }),
  timestamp: fc.integer({ min: 0, max: 2 ** 41 }),
})

const v2BatchArb = fc
  .tuple(fc.constantFrom(...CODECS), fc.array(recordArb, { minLength: 1, maxLength: 8 }))
  .map(([compression, records]) => encodeRecordBatch({ compression, records: records as RecordInput[] }))

const legacySetArb = fc
  .tuple(
    fc.constantFrom(0 as const, 1 as const),
    fc.constantFrom(0, 1, 2, 3),
    fc.array(recordArb, { minLength: 1, maxLength: 6 }),
  )
  .map(([magic, codec, records]) => {
    const messages = records.map((r, i) => ({ offset: i, timestamp: r.timestamp, key: r.key, value: r.value }))
    return codec === 0
      ? encodeLegacyMessages(magic, 0, messages)
      : encodeLegacyWrapper(magic, codec as CompressionType, 0, 0, messages)
  })

/** A valid input with some bytes overwritten, some truncated away, or both. */
function mutated(base: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(
      base,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([buf, edits, cut]) => {
      const copy = Buffer.from(buf)
      for (const [pos, byte] of edits) copy[pos % copy.length] = byte
      return cut === undefined ? copy : copy.subarray(0, cut % (copy.length + 1))
    })
}

/** A v2 header with a valid length and CRC over an arbitrary records section: reaches the record parser. */
const forgedBatchArb = fc
  .tuple(fc.constantFrom(...CODECS), fc.integer({ min: -2, max: 300 }), fc.uint8Array({ maxLength: 200 }), fc.boolean())
  .map(([codec, count, section, logAppendTime]) => {
    const buf = Buffer.concat([encodeRecordBatch({ compression: codec, records: [] }), Buffer.from(section)])
    buf.writeInt32BE(buf.length - 12, 8)
    buf.writeInt16BE(codec | (logAppendTime ? 0x08 : 0), 21)
    buf.writeInt32BE(count, 57)
    buf.writeUInt32BE(crc32c(buf.subarray(21)), 17)
    return buf
  })

/** Like forgedBatchArb, with a section that is a valid compressed stream of arbitrary (record-like) bytes. */
const forgedCompressedArb = fc
  .tuple(fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<CompressionType>, fc.nat(20), fc.uint8Array({ maxLength: 200 }))
  .map(([codec, count, inner]) => {
    const section = compress(codec, Buffer.from(inner))
    const buf = Buffer.concat([encodeRecordBatch({ compression: codec, records: [] }), section])
    buf.writeInt32BE(buf.length - 12, 8)
    buf.writeInt32BE(count, 57)
    buf.writeUInt32BE(crc32c(buf.subarray(21)), 17)
    return buf
  })

describe('hostile record batches', () => {
  it('random bytes', LIMIT, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, verifyCrc) => {
        const buf = Buffer.from(bytes)
        survives(() => decodeRecordBatches(buf, { verifyCrc }))
        survives(() => decodeRecordBatch(buf, 0, { verifyCrc }))
      }),
      { numRuns: 3000 },
    )
  })

  it('mutated and truncated v2 batches, every codec', LIMIT, () => {
    fc.assert(
      fc.property(mutated(v2BatchArb), fc.boolean(), (buf, verifyCrc) => {
        survives(() => decodeRecordBatches(buf, { verifyCrc }))
        survives(() => decodeRecordBatch(buf, 0, { verifyCrc }))
      }),
      { numRuns: 3000 },
    )
  })

  it('the async decoder agrees with the sync one on mutated v2 batches and legacy sets', LIMIT, async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(v2BatchArb), mutated(legacySetArb)), fc.boolean(), sameAsSync), {
      numRuns: 1500,
    })
  })

  it('forged records sections behind a valid header and CRC', LIMIT, () => {
    fc.assert(
      fc.property(fc.oneof(forgedBatchArb, forgedCompressedArb), (buf) => {
        survives(() => decodeRecordBatch(buf))
        survives(() => decodeRecordBatches(buf))
      }),
      { numRuns: 3000 },
    )
  })

  it('mutated and truncated legacy message sets', LIMIT, () => {
    fc.assert(
      fc.property(mutated(legacySetArb), fc.boolean(), (buf, verifyCrc) => {
        survives(() => decodeRecordBatches(buf, { verifyCrc }))
        survives(() => decodeRecordBatch(buf, 0, { verifyCrc }))
      }),
      { numRuns: 3000 },
    )
  })

  it('upConvertMessageSet answers only with Kafka error codes', LIMIT, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated(legacySetArb),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        (buf) => survivesAsync(() => upConvertMessageSet(buf, { nowMs: 0 }), ['kafka']),
      ),
      { numRuns: 3000 },
    )
  })

  it('downConvertBatches on mutated batches', LIMIT, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutated(v2BatchArb), mutated(legacySetArb)),
        fc.constantFrom(0 as const, 1 as const),
        (buf, toMagic) => survivesAsync(() => downConvertBatches(buf, toMagic), ['samsa', 'kafka']),
      ),
      { numRuns: 2000 },
    )
  })
})

describe('hostile compressed data', () => {
  for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    it(`codec ${codec}: mutated streams and random bytes`, LIMIT, () => {
      const valid = fc
        .uint8Array({ maxLength: 3000 })
        .map((b) => compress(codec, Buffer.from(b).fill(b[0] ?? 0, 0, b.length >> 1)))
      fc.assert(
        fc.property(
          fc.oneof(
            mutated(valid),
            fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)),
          ),
          (buf) => {
            survives(() => {
              const out = decompress(codec, buf, 1024 * 1024)
              assert.ok(out.length <= 1024 * 1024)
            })
          },
        ),
        { numRuns: 2000 },
      )
    })
  }
})
