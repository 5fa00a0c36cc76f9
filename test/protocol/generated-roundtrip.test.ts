/**
 * Property test: for every declared message and every version it declares, an arbitrary message
 * encoded at that version decodes to the same message, projected onto what that version can carry
 * (fields absent in the version come back as their defaults).
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import type { FieldSchema, MessageSchema, StructSchema } from '../../src/protocol/schema-types.ts'

const ROOT = join(import.meta.dirname, '../..')
const SETS = [
  ['src/protocol/schema', 'src/protocol/generated'],
  ['src/metadata/records/schema', 'src/metadata/records/generated'],
  ['src/coordinator/group/records/schema', 'src/coordinator/group/records/generated'],
] as const

interface Range {
  min: number
  max: number
}
function parseRange(spec: string | undefined): Range {
  if (spec === undefined || spec === 'none') return { min: 1, max: 0 }
  if (spec.endsWith('+')) return { min: Number(spec.slice(0, -1)), max: 0x7fff }
  const d = spec.indexOf('-')
  if (d >= 0) return { min: Number(spec.slice(0, d)), max: Number(spec.slice(d + 1)) }
  return { min: Number(spec), max: Number(spec) }
}
const inRange = (r: Range, v: number): boolean => v >= r.min && v <= r.max
const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1)

type Value = unknown
type Obj = Record<string, Value>

function structFields(msg: MessageSchema, f: FieldSchema): readonly FieldSchema[] {
  if (f.fields !== undefined) return f.fields
  const name = f.type.replace(/^\[\]/, '')
  const found = (msg.commonStructs ?? []).find((s: StructSchema) => s.name === name)
  if (found === undefined) {
    // A struct declared inline elsewhere in the message.
    const search = (fields: readonly FieldSchema[]): readonly FieldSchema[] | undefined => {
      for (const x of fields) {
        if (x.type.replace(/^\[\]/, '') === name && x.fields !== undefined) return x.fields
        if (x.fields !== undefined) {
          const r = search(x.fields)
          if (r !== undefined) return r
        }
      }
      return undefined
    }
    const r = search(msg.fields)
    if (r === undefined) throw new Error(`no struct ${name}`)
    return r
  }
  return found.fields
}

const PRIM = new Set([
  'int8',
  'int16',
  'int32',
  'int64',
  'uint16',
  'uint32',
  'float64',
  'bool',
  'string',
  'bytes',
  'records',
  'uuid',
])

function primArb(t: string): fc.Arbitrary<Value> {
  switch (t) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 })
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 })
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
    case 'int64':
      return fc.oneof(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
        fc.maxSafeInteger(),
        fc.constantFrom(-1, 0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
      )
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 })
    case 'uint32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 })
    case 'float64':
      return fc.double({ noNaN: true })
    case 'bool':
      return fc.boolean()
    case 'string':
      return fc.string({ maxLength: 20, unit: 'grapheme' })
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a).toString('base64url'))
    default:
      throw new Error(t)
  }
}

/** An arbitrary message valid for version v (nulls only where v allows them). */
function arbFields(msg: MessageSchema, fields: readonly FieldSchema[], v: number, depth: number): fc.Arbitrary<Obj> {
  const rec: Record<string, fc.Arbitrary<Value>> = {}
  for (const f of fields) {
    if (!inRange(parseRange(f.versions), v)) continue
    const nullable =
      inRange(parseRange(f.nullableVersions), v) || (f.type === 'records' && inRange(parseRange(f.nullableVersions), v))
    let a: fc.Arbitrary<Value>
    const el = f.type.startsWith('[]') ? f.type.slice(2) : null
    if (el !== null) {
      const elArb = PRIM.has(el) ? primArb(el) : arbFields(msg, structFields(msg, f), v, depth + 1)
      a = fc.array(elArb, { maxLength: depth > 2 ? 1 : 3 })
    } else if (PRIM.has(f.type)) {
      a = primArb(f.type)
    } else {
      a = arbFields(msg, structFields(msg, f), v, depth + 1)
    }
    rec[camel(f.name)] = nullable ? fc.option(a, { nil: null, freq: 4 }) : a
  }
  return fc.record(rec)
}

for (const [schemaDir, generatedDir] of SETS) {
  let entries: string[] = []
  try {
    entries = readdirSync(join(ROOT, schemaDir)).filter((f) => f.endsWith('.ts'))
  } catch {
    entries = []
  }
  describe(`round trip: ${schemaDir}`, () => {
    for (const entry of entries) {
      it(entry, async () => {
        const schemas = (await import(pathToFileURL(join(ROOT, schemaDir, entry)).href)) as Record<
          string,
          MessageSchema
        >
        const gen = (await import(pathToFileURL(join(ROOT, generatedDir, entry)).href)) as Record<
          string,
          (...a: unknown[]) => unknown
        >
        for (const [exportName, msg] of Object.entries(schemas)) {
          if (!exportName.endsWith('Schema')) continue
          const decode = gen[`decode${msg.name}`] as (r: Reader, v: number) => Obj
          const encode = gen[`encode${msg.name}`] as (w: Writer, v: number, m: Obj) => void
          const range = parseRange(msg.validVersions)
          for (let v = range.min; v <= range.max; v++) {
            fc.assert(
              fc.property(arbFields(msg, msg.fields, v, 0), (m) => {
                const w = new Writer(16)
                encode(w, v, m)
                const bytes = w.toBuffer()
                const r = new Reader(bytes)
                const decoded = decode(r, v)
                assert.equal(r.remaining, 0, `${msg.name} v${v}: trailing bytes`)
                // Re-encoding the decoded message yields identical bytes (canonical encoding).
                const w2 = new Writer(16)
                encode(w2, v, decoded)
                assert.deepEqual(w2.toBuffer(), bytes, `${msg.name} v${v}: re-encode differs`)
                // Every field the version carries survives the trip.
                // (the decoded message also holds defaults for fields the version does not carry).
                assertCarries(decoded, m, `${msg.name} v${v}`)
              }),
              { numRuns: 25 },
            )
          }
        }
      })
    }
  })
}

/** Every value in `sent` (recursively) is present and equal in `got`. */
function assertCarries(got: Value, sent: Value, path: string): void {
  if (Buffer.isBuffer(sent)) {
    assert.ok(Buffer.isBuffer(got) && got.equals(sent), `${path}: bytes differ`)
  } else if (Array.isArray(sent)) {
    assert.ok(Array.isArray(got), `${path}: not an array`)
    assert.equal(got.length, sent.length, `${path}: length`)
    for (const [i, x] of sent.entries()) assertCarries(got[i], x, `${path}[${i}]`)
  } else if (sent !== null && typeof sent === 'object') {
    assert.ok(got !== null && typeof got === 'object', `${path}: not an object`)
    for (const [k, x] of Object.entries(sent)) assertCarries((got as Obj)[k], x, `${path}.${k}`)
  } else {
    assert.deepEqual(got, sent, path)
  }
}
