/**
 * The protocol's primitive readers and writers on their own: exact bytes at the boundaries of each type
 * (checked by hand against Kafka's ByteUtils and generated message code), round trips over the whole
 * range, and what a malformed or truncated field does: a ProtocolDecodeError, never a loop, a huge
 * allocation or a made-up value.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { SamsaErrorCode } from '../../src/common/errors.ts'
import { readArrayOf, readNullableArrayOf } from '../../src/protocol/primitives/codec-helpers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { randomUuid, ZERO_UUID } from '../../src/protocol/primitives/uuid.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import { sizeOfVarint, writeVarintAt } from '../../src/protocol/records/record-bytes.ts'
import { hex } from '../helpers/hex.ts'

const written = (write: (w: Writer) => void): Buffer => {
  const w = new Writer(8)
  write(w)
  return w.toBuffer()
}

/** Reads one value and checks that it used every byte given. */
function readAll<T>(bytes: Buffer, read: (r: Reader) => T): T {
  const r = new Reader(bytes)
  const v = read(r)
  assert.equal(r.remaining, 0, `${r.remaining} bytes left unread`)
  return v
}

const decodeError = (message?: RegExp) => ({ code: SamsaErrorCode.ProtocolDecode, ...(message && { message }) })

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Reference int64 and zig-zag varlong encodings in exact bigint arithmetic, as Kafka's ByteUtils writes them. */
function int64Bytes(v: bigint): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(v)
  return b
}
function varlongBytes(v: bigint): Buffer {
  let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
  const out: number[] = []
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80)
    u >>= 7n
  }
  out.push(Number(u))
  return Buffer.from(out)
}
const clampInt64 = (v: bigint): bigint => (v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v)

describe('fixed-width integers', () => {
  const cases: [string, (w: Writer, v: number) => void, (r: Reader) => number, number, string][] = [
    ['int8 0', (w, v) => w.writeInt8(v), (r) => r.readInt8(), 0, '00'],
    ['int8 -1', (w, v) => w.writeInt8(v), (r) => r.readInt8(), -1, 'ff'],
    ['int8 min', (w, v) => w.writeInt8(v), (r) => r.readInt8(), -128, '80'],
    ['int8 max', (w, v) => w.writeInt8(v), (r) => r.readInt8(), 127, '7f'],
    ['int16 -1', (w, v) => w.writeInt16(v), (r) => r.readInt16(), -1, 'ffff'],
    ['int16 min', (w, v) => w.writeInt16(v), (r) => r.readInt16(), -32768, '8000'],
    ['int16 max', (w, v) => w.writeInt16(v), (r) => r.readInt16(), 32767, '7fff'],
    ['uint16 max', (w, v) => w.writeUInt16(v), (r) => r.readUInt16(), 65535, 'ffff'],
    ['int32 0', (w, v) => w.writeInt32(v), (r) => r.readInt32(), 0, '00000000'],
    ['int32 -1', (w, v) => w.writeInt32(v), (r) => r.readInt32(), -1, 'ffffffff'],
    ['int32 min', (w, v) => w.writeInt32(v), (r) => r.readInt32(), -(2 ** 31), '80000000'],
    ['int32 max', (w, v) => w.writeInt32(v), (r) => r.readInt32(), 2 ** 31 - 1, '7fffffff'],
    ['uint32 max (not -1)', (w, v) => w.writeUInt32(v), (r) => r.readUInt32(), 2 ** 32 - 1, 'ffffffff'],
    ['uint32 2^31', (w, v) => w.writeUInt32(v), (r) => r.readUInt32(), 2 ** 31, '80000000'],
    ['int64 0', (w, v) => w.writeInt64(v), (r) => r.readInt64(), 0, '0000000000000000'],
    ['int64 -1', (w, v) => w.writeInt64(v), (r) => r.readInt64(), -1, 'ffffffffffffffff'],
    ['int64 2^32', (w, v) => w.writeInt64(v), (r) => r.readInt64(), 2 ** 32, '0000000100000000'],
    ['int64 -2^32-1', (w, v) => w.writeInt64(v), (r) => r.readInt64(), -(2 ** 32) - 1, 'fffffffeffffffff'],
    ['int64 2^53-1', (w, v) => w.writeInt64(v), (r) => r.readInt64(), 2 ** 53 - 1, '001fffffffffffff'],
    ['int64 -(2^53-1)', (w, v) => w.writeInt64(v), (r) => r.readInt64(), -(2 ** 53 - 1), 'ffe0000000000001'],
    ['int64 min', (w, v) => w.writeInt64(v), (r) => r.readInt64(), -(2 ** 63), '8000000000000000'],
  ]
  for (const [name, write, read, value, bytes] of cases) {
    it(`${name} is ${bytes} both ways`, () => {
      assert.deepEqual(
        written((w) => write(w, value)),
        hex(bytes),
      )
      assert.equal(readAll(hex(bytes), read), value)
    })
  }

  it('booleans are one byte, any non-zero byte reading as true as in Kafka', () => {
    assert.deepEqual(
      written((w) => w.writeBool(true).writeBool(false)),
      hex('01 00'),
    )
    assert.deepEqual(
      readAll(hex('00 01 ff'), (r) => [r.readBool(), r.readBool(), r.readBool()]),
      [false, true, true],
    )
  })

  it('int32 and uint32 round-trip over their whole range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 2 ** 32 - 1 }), (i, u) => {
        const b = written((w) => w.writeInt32(i).writeUInt32(u))
        assert.deepEqual(
          readAll(b, (r) => [r.readInt32(), r.readUInt32()]),
          [i, u],
        )
      }),
    )
  })

  // int64 travels as a JS number (see Reader): exact within +-(2^53-1), the nearest double beyond it.
  it('int64 round-trips every safe integer exactly, with the bytes of the same bigint', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const b = written((w) => w.writeInt64(v))
        assert.deepEqual(b, int64Bytes(BigInt(v)))
        assert.equal(
          readAll(b, (r) => r.readInt64()),
          v,
        )
      }),
    )
  })

  it('int64 beyond 2^53 reads as the nearest double and writes back as the nearest int64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (v) => {
        const n = readAll(int64Bytes(v), (r) => r.readInt64())
        assert.equal(n, Number(v))
        assert.deepEqual(
          written((w) => w.writeInt64(n)),
          int64Bytes(clampInt64(BigInt(n))),
        )
      }),
      { examples: [[INT64_MAX], [INT64_MAX - 511n], [INT64_MIN], [2n ** 53n + 1n], [-(2n ** 53n) - 1n]] },
    )
  })

  it('int64 max (Long.MAX_VALUE, a sentinel clients send) reads as 2^63 and is written back as the same bytes', () => {
    const n = readAll(hex('7fffffffffffffff'), (r) => r.readInt64())
    assert.equal(n, 2 ** 63)
    assert.deepEqual(
      written((w) => w.writeInt64(n)),
      hex('7fffffffffffffff'),
    )
  })

  it('float64 round-trips every double bit for bit', () => {
    assert.deepEqual(
      written((w) => w.writeFloat64(1.5)),
      hex('3ff8000000000000'),
    )
    fc.assert(
      fc.property(fc.double(), (d) => {
        assert.ok(
          Object.is(
            readAll(
              written((w) => w.writeFloat64(d)),
              (r) => r.readFloat64(),
            ),
            d,
          ),
        )
      }),
      { examples: [[-0], [Number.NaN], [Number.POSITIVE_INFINITY], [Number.MIN_VALUE], [Number.MAX_VALUE]] },
    )
  })
})

describe('unsigned varints', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 21 - 1, 'ffff7f'],
    [2 ** 28 - 1, 'ffffff7f'],
    [2 ** 28, '8080808001'],
    [2 ** 31 - 1, 'ffffffff07'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ]
  for (const [value, bytes] of cases) {
    it(`${value} is ${bytes} both ways`, () => {
      assert.deepEqual(
        written((w) => w.writeUVarint(value)),
        hex(bytes),
      )
      assert.equal(
        readAll(hex(bytes), (r) => r.readUVarint()),
        value,
      )
    })
  }

  it('round-trips every uint32 in 1 to 5 bytes, 7 bits a byte', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), (u) => {
        const b = written((w) => w.writeUVarint(u))
        assert.equal(b.length, u === 0 ? 1 : Math.ceil(Math.floor(Math.log2(u) + 1) / 7))
        assert.equal(
          readAll(b, (r) => r.readUVarint()),
          u,
        )
      }),
    )
  })

  it('a fifth byte with its top bit set is refused as Kafka does ("Varint is too long"), without reading on', () => {
    for (const bytes of ['8080808080 00', 'ffffffffff 01', 'ffffffffff ffffffffff ffffffffff']) {
      const r = new Reader(hex(bytes))
      assert.throws(() => r.readUVarint(), decodeError(/Varint is too long/))
      assert.equal(r.pos, 5)
      assert.throws(() => new Reader(hex(bytes)).readVarint(), decodeError(/Varint is too long/))
    }
  })

  it("keeps only 32 bits of a fifth byte, as Kafka's readUnsignedVarint does", () => {
    // 4 + 7*4 = 32: bits of the fifth byte above its low four fall off a Java int.
    assert.equal(
      readAll(hex('ffffffff7f'), (r) => r.readUVarint()),
      2 ** 32 - 1,
    )
    assert.equal(
      readAll(hex('8080808010'), (r) => r.readUVarint()),
      0,
    )
    assert.equal(
      readAll(hex('ffffffff7f'), (r) => r.readVarint()),
      -(2 ** 31),
    )
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 0x7f }), (low, fifth) => {
        const bytes = Buffer.from([...Array.from(low, (b) => b | 0x80), fifth])
        const v = readAll(bytes, (r) => r.readVarint())
        assert.ok(v >= -(2 ** 31) && v <= 2 ** 31 - 1, `${v} is not an int32`)
      }),
    )
  })

  it('a varint cut off by the end of the frame is a decode error', () => {
    for (const bytes of ['', '80', 'ffffff', 'ffffffff']) {
      assert.throws(() => new Reader(hex(bytes)).readUVarint(), decodeError(/truncated/))
    }
    // The end is the reader's bound, not the buffer's.
    assert.throws(() => new Reader(hex('80 01'), 0, 1).readUVarint(), decodeError(/truncated/))
  })
})

describe('zig-zag varints and varlongs', () => {
  const varints: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-64, '7f'],
    [63, '7e'],
    [64, '8001'],
    [-65, '8101'],
    [2 ** 31 - 1, 'feffffff0f'],
    [-(2 ** 31), 'ffffffff0f'],
  ]
  for (const [value, bytes] of varints) {
    it(`varint ${value} is ${bytes} both ways`, () => {
      assert.deepEqual(
        written((w) => w.writeVarint(value)),
        hex(bytes),
      )
      assert.equal(
        readAll(hex(bytes), (r) => r.readVarint()),
        value,
      )
    })
  }

  it('varint round-trips every int32 with the bytes Kafka writes', () => {
    fc.assert(
      fc.property(fc.integer(), (v) => {
        const b = written((w) => w.writeVarint(v))
        assert.deepEqual(b, varlongBytes(BigInt(v)))
        assert.equal(
          readAll(b, (r) => r.readVarint()),
          v,
        )
      }),
    )
  })

  const varlongs: [bigint, string][] = [
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [2n ** 53n - 1n, 'feffffffffffff1f'],
    [-(2n ** 53n) + 1n, 'fdffffffffffff1f'],
    [INT64_MAX, 'feffffffffffffffff01'],
    [INT64_MIN, 'ffffffffffffffffff01'],
  ]
  for (const [value, bytes] of varlongs) {
    it(`varlong ${value} is ${bytes} and reads as the nearest number`, () => {
      assert.deepEqual(varlongBytes(value), hex(bytes))
      assert.equal(
        readAll(hex(bytes), (r) => r.readVarlong()),
        Number(value),
      )
      assert.deepEqual(
        written((w) => w.writeVarlong(Number(value))),
        varlongBytes(clampInt64(BigInt(Number(value)))),
      )
    })
  }

  it('varlong round-trips every safe integer with the bytes Kafka writes', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const b = written((w) => w.writeVarlong(v))
        assert.deepEqual(b, varlongBytes(BigInt(v)))
        assert.equal(
          readAll(b, (r) => r.readVarlong()),
          v,
        )
      }),
      { examples: [[2 ** 52], [-(2 ** 52)], [2 ** 52 + 1], [-(2 ** 52) - 1], [-(2 ** 53) + 1]] },
    )
  })

  it('any int64 varlong reads as its nearest number, sign included, and writes back as its nearest int64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (v) => {
        const n = readAll(varlongBytes(v), (r) => r.readVarlong())
        assert.equal(n, Number(v))
        assert.deepEqual(
          written((w) => w.writeVarlong(n)),
          varlongBytes(clampInt64(BigInt(n))),
        )
      }),
      { examples: [[-(2n ** 60n)], [-(2n ** 60n) - 1n], [2n ** 62n + 1n], [INT64_MIN + 1n], [INT64_MAX - 1n]] },
    )
  })

  it("the record encoder's sized, fixed-position varlongs match, sign included", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (v) => {
        const n = Number(v)
        const buf = Buffer.alloc(12)
        const end = writeVarintAt(buf, 0, n)
        assert.equal(sizeOfVarint(n), end)
        assert.deepEqual(buf.subarray(0, end), varlongBytes(clampInt64(BigInt(n))))
      }),
      { examples: [[-(2n ** 52n) - 1n], [-(2n ** 62n)], [INT64_MIN], [INT64_MAX], [0n], [-1n]] },
    )
  })

  it('a tenth byte with its top bit set is refused as Kafka does ("Varlong is too long")', () => {
    for (const bytes of ['80808080808080808080 00', 'ffffffffffffffffffff 01']) {
      const r = new Reader(hex(bytes))
      assert.throws(() => r.readVarlong(), decodeError(/Varlong is too long/))
      assert.equal(r.pos, 10)
    }
  })

  it("keeps only bit 63 of a tenth byte, as Kafka's readVarlong does", () => {
    assert.equal(
      readAll(hex('ffffffffffffffffff7f'), (r) => r.readVarlong()),
      -(2 ** 63),
    )
    assert.equal(
      readAll(hex('80808080808080808002'), (r) => r.readVarlong()),
      0,
    )
  })

  it('a varlong cut off by the end of the frame is a decode error', () => {
    for (const bytes of ['', '80', 'ffffffffffffffffff']) {
      assert.throws(() => new Reader(hex(bytes)).readVarlong(), decodeError(/truncated/))
    }
  })
})

describe('strings and bytes', () => {
  it('strings: int16 length and UTF-8 bytes; null only where nullable', () => {
    assert.deepEqual(
      written((w) => w.writeString('')),
      hex('0000'),
    )
    assert.deepEqual(
      written((w) => w.writeString('hé')),
      hex('0003 68c3a9'),
    )
    assert.deepEqual(
      written((w) => w.writeNullableString(null)),
      hex('ffff'),
    )
    assert.equal(
      readAll(hex('0003 68c3a9'), (r) => r.readString()),
      'hé',
    )
    assert.equal(
      readAll(hex('ffff'), (r) => r.readNullableString()),
      null,
    )
    // Kafka's generated readers take any negative length of a nullable field as null.
    assert.equal(
      readAll(hex('fffe'), (r) => r.readNullableString()),
      null,
    )
    for (const bytes of ['ffff', 'fffe', '8000']) {
      assert.throws(() => new Reader(hex(bytes)).readString(), decodeError(/null string/))
    }
  })

  it('compact strings: unsigned varint length + 1, 0 for null', () => {
    assert.deepEqual(
      written((w) => w.writeCompactString('')),
      hex('01'),
    )
    assert.deepEqual(
      written((w) => w.writeCompactString('abc')),
      hex('04 616263'),
    )
    assert.deepEqual(
      written((w) => w.writeCompactNullableString(null)),
      hex('00'),
    )
    assert.equal(
      readAll(hex('01'), (r) => r.readCompactString()),
      '',
    )
    assert.equal(
      readAll(hex('00'), (r) => r.readCompactNullableString()),
      null,
    )
    assert.throws(() => new Reader(hex('00')).readCompactString(), decodeError(/null compact string/))
    // Kafka refuses any string longer than 32767 bytes, compact ones too, before looking for the bytes.
    const long = Buffer.concat([written((w) => w.writeUVarint(0x8000 + 1)), Buffer.alloc(0x8000, 0x61)])
    assert.throws(() => new Reader(long).readCompactString(), decodeError(/32767/))
    assert.equal(
      readAll(Buffer.concat([written((w) => w.writeUVarint(0x7fff + 1)), Buffer.alloc(0x7fff, 0x61)]), (r) =>
        r.readCompactString(),
      ).length,
      0x7fff,
    )
    for (const n of [2 ** 31 - 1, 2 ** 32 - 1]) {
      const b = written((w) => w.writeUVarint(n).writeRaw(hex('616263')))
      assert.throws(() => new Reader(b).readCompactNullableString(), decodeError())
    }
  })

  it('strings round-trip, compact or not, whatever their characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.option(fc.string({ maxLength: 50 })), (s, n) => {
        const b = written((w) =>
          w.writeString(s).writeCompactString(s).writeNullableString(n).writeCompactNullableString(n),
        )
        assert.deepEqual(
          readAll(b, (r) => [
            r.readString(),
            r.readCompactString(),
            r.readNullableString(),
            r.readCompactNullableString(),
          ]),
          [s, s, n, n],
        )
      }),
    )
  })

  it('bytes: int32 length or unsigned varint length + 1; null only where nullable', () => {
    assert.deepEqual(
      written((w) => w.writeBytes(hex('0102'))),
      hex('00000002 0102'),
    )
    assert.deepEqual(
      written((w) => w.writeNullableBytes(null)),
      hex('ffffffff'),
    )
    assert.deepEqual(
      written((w) => w.writeCompactBytes(hex('0102'))),
      hex('03 0102'),
    )
    assert.deepEqual(
      written((w) => w.writeCompactNullableBytes(null)),
      hex('00'),
    )
    assert.equal(
      readAll(hex('ffffffff'), (r) => r.readNullableBytes()),
      null,
    )
    assert.equal(
      readAll(hex('00'), (r) => r.readCompactNullableBytes()),
      null,
    )
    assert.deepEqual(
      readAll(hex('01'), (r) => r.readCompactBytes()),
      Buffer.alloc(0),
    )
    for (const bytes of ['ffffffff', '80000000']) {
      assert.throws(() => new Reader(hex(bytes)).readBytes(), decodeError(/null bytes/))
    }
    assert.throws(() => new Reader(hex('00')).readCompactBytes(), decodeError(/null compact bytes/))
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), fc.option(fc.uint8Array({ maxLength: 100 })), (a, n) => {
        const bytes = Buffer.from(a)
        const nb = n === null ? null : Buffer.from(n)
        const b = written((w) =>
          w.writeBytes(bytes).writeCompactBytes(bytes).writeNullableBytes(nb).writeCompactNullableBytes(nb),
        )
        assert.deepEqual(
          readAll(b, (r) => [r.readBytes(), r.readCompactBytes(), r.readNullableBytes(), r.readCompactNullableBytes()]),
          [bytes, bytes, nb, nb],
        )
      }),
    )
  })

  it('a length beyond the bytes that remain is a decode error, whatever the field', () => {
    const truncated: [string, (r: Reader) => unknown][] = [
      ['0005 616263', (r) => r.readString()],
      ['0005 616263', (r) => r.readNullableString()],
      ['06 616263', (r) => r.readCompactString()],
      ['06 616263', (r) => r.readCompactNullableString()],
      ['00000004 010203', (r) => r.readBytes()],
      ['7fffffff 010203', (r) => r.readNullableBytes()],
      ['05 010203', (r) => r.readCompactBytes()],
      ['ffffffff0f 010203', (r) => r.readCompactNullableBytes()],
    ]
    for (const [bytes, read] of truncated) {
      assert.throws(() => read(new Reader(hex(bytes))), decodeError(/need \d+ bytes/), bytes)
    }
  })
})

describe('arrays', () => {
  const int32s = (w: Writer, v: number): void => void w.writeInt32(v)

  it('int32 count or unsigned varint count + 1; null is -1 or 0', () => {
    assert.deepEqual(
      written((w) => w.writeArray([1, 2], int32s)),
      hex('00000002 00000001 00000002'),
    )
    assert.deepEqual(
      written((w) => w.writeArray(null, int32s)),
      hex('ffffffff'),
    )
    assert.deepEqual(
      written((w) => w.writeCompactArray([7], int32s)),
      hex('02 00000007'),
    )
    assert.deepEqual(
      written((w) => w.writeCompactArray([], int32s)),
      hex('01'),
    )
    assert.deepEqual(
      written((w) => w.writeCompactArray(null, int32s)),
      hex('00'),
    )
    assert.deepEqual(
      readAll(hex('00000002 00000001 00000002'), (r) => r.readArray((r) => r.readInt32())),
      [1, 2],
    )
    assert.deepEqual(
      readAll(hex('02 00000007'), (r) => r.readCompactArray((r) => r.readInt32())),
      [7],
    )
  })

  it('a null array is null where nullable and a decode error where not', () => {
    const read = (r: Reader): number => r.readInt32()
    assert.equal(
      readAll(hex('ffffffff'), (r) => readNullableArrayOf(r, r.readArrayLength(), read)),
      null,
    )
    assert.equal(
      readAll(hex('00'), (r) => readNullableArrayOf(r, r.readCompactArrayLength(), read)),
      null,
    )
    assert.throws(
      () => {
        const r = new Reader(hex('ffffffff'))
        readArrayOf(r, r.readArrayLength(), read)
      },
      decodeError(/null array/),
    )
    assert.throws(
      () => {
        const r = new Reader(hex('00'))
        readArrayOf(r, r.readCompactArrayLength(), read)
      },
      decodeError(/null array/),
    )
  })

  it('a count below -1, or above the bytes that remain, is refused before anything is allocated', () => {
    for (const bytes of ['fffffffe', '80000000']) {
      assert.throws(() => new Reader(hex(bytes)).readArrayLength(), decodeError(/invalid array length/))
    }
    for (const bytes of ['7fffffff 00', '00000003 0000']) {
      assert.throws(() => new Reader(hex(bytes)).readArrayLength(), decodeError(/exceeds remaining/))
    }
    for (const bytes of ['ffffffff07 00', 'ffffffff0f 00', '04 0000']) {
      assert.throws(() => new Reader(hex(bytes)).readCompactArrayLength(), decodeError(/exceeds remaining/))
    }
  })

  it('an element cut off by the end of the frame is a decode error', () => {
    assert.throws(
      () => new Reader(hex('00000002 00000001 0000')).readArray((r) => r.readInt32()),
      decodeError(/need 4 bytes/),
    )
  })
})

describe('UUIDs', () => {
  it('are 16 raw bytes shown as 22 characters of URL-safe base64', () => {
    assert.deepEqual(
      written((w) => w.writeUuid(ZERO_UUID)),
      Buffer.alloc(16),
    )
    const bytes = hex('fb ff 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d')
    assert.equal(
      readAll(bytes, (r) => r.readUuid()),
      '-_8AAQIDBAUGBwgJCgsMDQ',
    )
    assert.deepEqual(
      written((w) => w.writeUuid('-_8AAQIDBAUGBwgJCgsMDQ')),
      bytes,
    )
  })

  it('round-trip, random ones and arbitrary bytes alike', () => {
    for (let i = 0; i < 100; i++) {
      const id = randomUuid()
      assert.equal(
        readAll(
          written((w) => w.writeUuid(id)),
          (r) => r.readUuid(),
        ),
        id,
      )
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (a) => {
        const b = Buffer.from(a)
        assert.deepEqual(
          written((w) => w.writeUuid(readAll(b, (r) => r.readUuid()))),
          b,
        )
      }),
    )
  })

  it('a short UUID string is refused when written and a short frame when read', () => {
    assert.throws(() => written((w) => w.writeUuid('AAAA')), RangeError)
    assert.throws(() => new Reader(Buffer.alloc(15)).readUuid(), decodeError(/need 16 bytes/))
  })
})

describe('tagged fields', () => {
  // Two tagged fields: tag 0 holding an int32, tag 5 holding a compact string.
  const section = hex('02', '00 04 0000002a', '05 04 04616263')

  it('are written as count, then tag, size and bytes for each', () => {
    assert.deepEqual(
      written((w) =>
        w.writeTaggedFields([
          [0, (w) => w.writeInt32(42)],
          [5, (w) => w.writeCompactString('abc')],
        ]),
      ),
      section,
    )
    assert.deepEqual(
      written((w) => w.writeEmptyTaggedFields()),
      hex('00'),
    )
  })

  it('a known tag is decoded, an unknown one skipped by its size, and the field after them read', () => {
    const r = new Reader(Buffer.concat([section, hex('7fff')]))
    const seen: number[] = []
    let value = 0
    r.readTaggedFields((tag, field) => {
      seen.push(tag)
      if (tag !== 0) return false
      value = field.readInt32()
      return true
    })
    assert.deepEqual(seen, [0, 5])
    assert.equal(value, 42)
    assert.equal(r.readInt16(), 0x7fff)
    // Without a handler (no tags known at this version) the whole section is skipped.
    const skipping = new Reader(Buffer.concat([section, hex('7fff')]))
    skipping.readTaggedFields()
    assert.equal(skipping.readInt16(), 0x7fff)
  })

  it('a known tag cannot read past its own size', () => {
    const r = new Reader(hex('01 00 02 0000002a'))
    assert.throws(
      () =>
        r.readTaggedFields((_tag, field) => {
          field.readInt32()
          return true
        }),
      decodeError(/need 4 bytes/),
    )
  })

  it('tags out of order, a repeated tag, or a size past the end are decode errors', () => {
    assert.throws(() => new Reader(hex('02 05 00 00 00')).readTaggedFields(), decodeError(/out of order/))
    assert.throws(() => new Reader(hex('02 03 00 03 00')).readTaggedFields(), decodeError(/out of order/))
    assert.throws(() => new Reader(hex('01 00 05 0000')).readTaggedFields(), decodeError(/need 5 bytes/))
    assert.throws(() => new Reader(hex('03 00 00')).readTaggedFields(), decodeError(/truncated/))
  })
})
