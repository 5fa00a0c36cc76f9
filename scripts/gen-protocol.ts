/**
 * Generates TypeScript codecs from the declarative message schemas.
 *
 *   npm run gen         regenerate every generated/ folder
 *   npm run gen:check   regenerate in memory and fail if any committed file differs
 *
 * For each schema file `<dir>/schema/<stem>.ts` it writes `<dir>/generated/<stem>.ts` holding, per
 * message: one interface covering every version (Kafka's MessageData model: absent fields take their
 * default), `decodeX(reader, version)`, `encodeX(writer, version, message)` and `defaultX()`.
 * The output is straight-line code with version checks inline, which measured as fast as hand-written
 * codecs and 1.6x faster than interpreting the schema at run time.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FieldSchema, MessageSchema, StructSchema } from '../src/protocol/schema-types.ts'

const ROOT = join(import.meta.dirname, '..')
const PROTOCOL_DIR = join(ROOT, 'src/protocol')

interface SchemaSet {
  schemaDir: string
  generatedDir: string
}

const SETS: SchemaSet[] = [
  { schemaDir: 'src/protocol/schema', generatedDir: 'src/protocol/generated' },
  { schemaDir: 'src/metadata/records/schema', generatedDir: 'src/metadata/records/generated' },
  { schemaDir: 'src/coordinator/group/records/schema', generatedDir: 'src/coordinator/group/records/generated' },
  { schemaDir: 'src/coordinator/txn/records/schema', generatedDir: 'src/coordinator/txn/records/generated' },
]

// ---------------------------------------------------------------------------------------------
// Version ranges

interface Range {
  min: number
  max: number
}
const NONE: Range = { min: 1, max: 0 }
const MAX_VERSION = 0x7fff

function parseRange(spec: string | undefined): Range {
  if (spec === undefined || spec === 'none') return NONE
  if (spec.endsWith('+')) return { min: Number(spec.slice(0, -1)), max: MAX_VERSION }
  const dash = spec.indexOf('-')
  if (dash >= 0) return { min: Number(spec.slice(0, dash)), max: Number(spec.slice(dash + 1)) }
  return { min: Number(spec), max: Number(spec) }
}

const isEmpty = (r: Range): boolean => r.min > r.max
const intersect = (a: Range, b: Range): Range => ({ min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) })
const covers = (outer: Range, inner: Range): boolean =>
  isEmpty(inner) || (outer.min <= inner.min && outer.max >= inner.max)

/** A boolean expression in `v` that is true for versions in `r`, given that `v` lies in `ctx`. */
function cond(r: Range, ctx: Range): string {
  const eff = intersect(r, ctx)
  if (isEmpty(eff)) return 'false'
  const parts: string[] = []
  if (eff.min > ctx.min) parts.push(`v >= ${eff.min}`)
  if (eff.max < ctx.max) parts.push(`v <= ${eff.max}`)
  return parts.length === 0 ? 'true' : parts.join(' && ')
}

// ---------------------------------------------------------------------------------------------
// Types

const PRIMITIVES = new Set([
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

const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1)

interface StructInfo {
  tsName: string
  fields: readonly FieldSchema[]
  /** Versions in which the struct can appear. */
  range: Range
}

interface Ctx {
  msg: MessageSchema
  structs: Map<string, StructInfo>
  out: string[]
  flexible: Range
}

function untagged(f: FieldSchema): FieldSchema {
  const { taggedVersions: _t, tag: _g, ...rest } = f
  return rest
}

function elementType(type: string): string | null {
  return type.startsWith('[]') ? type.slice(2) : null
}

function structFor(ctx: Ctx, f: FieldSchema): StructInfo {
  const name = elementType(f.type) ?? f.type
  const s = ctx.structs.get(name)
  if (s === undefined) throw new Error(`${ctx.msg.name}: unknown struct type ${name}`)
  return s
}

function collectStructs(msg: MessageSchema): Map<string, StructInfo> {
  const structs = new Map<string, StructInfo>()
  const common = new Map<string, StructSchema>()
  for (const cs of msg.commonStructs ?? []) common.set(cs.name, cs)
  const visit = (fields: readonly FieldSchema[], range: Range): void => {
    for (const f of fields) {
      const t = elementType(f.type) ?? f.type
      if (PRIMITIVES.has(t)) continue
      const fr = intersect(range, parseRange(f.versions))
      const existing = structs.get(t)
      if (f.fields !== undefined) {
        if (existing === undefined) structs.set(t, { tsName: msg.name + t, fields: f.fields, range: fr })
        visit(f.fields, fr)
      } else {
        const c = common.get(t)
        if (c === undefined) throw new Error(`${msg.name}: struct ${t} has no fields and is not a common struct`)
        if (existing === undefined) {
          structs.set(t, { tsName: msg.name + t, fields: c.fields, range: fr })
          visit(c.fields, fr)
        } else {
          // A common struct reached again from other versions: it and the structs it holds serve those too.
          const widened = { min: Math.min(existing.range.min, fr.min), max: Math.max(existing.range.max, fr.max) }
          if (widened.min !== existing.range.min || widened.max !== existing.range.max) {
            existing.range = widened
            visit(c.fields, widened)
          }
        }
      }
    }
  }
  visit(msg.fields, parseRange(msg.validVersions))
  return structs
}

function isNullableAnywhere(f: FieldSchema): boolean {
  return !isEmpty(intersect(parseRange(f.nullableVersions), parseRange(f.versions)))
}

function tsType(ctx: Ctx, f: FieldSchema): string {
  const nullable = isNullableAnywhere(f) || f.type === 'records'
  const el = elementType(f.type)
  let t: string
  if (el !== null) {
    t = `${PRIMITIVES.has(el) ? primitiveTs(el) : structFor(ctx, f).tsName}[]`
  } else if (PRIMITIVES.has(f.type)) {
    t = primitiveTs(f.type)
  } else {
    t = structFor(ctx, f).tsName
  }
  return nullable ? `${t} | null` : t
}

function primitiveTs(t: string): string {
  switch (t) {
    case 'bool':
      return 'boolean'
    case 'string':
    case 'uuid':
      return 'string'
    case 'bytes':
    case 'records':
      return 'Buffer'
    default:
      return 'number'
  }
}

/** The default value expression of a field (Kafka's rules: 0, false, "", [], null where declared). */
function defaultExpr(ctx: Ctx, f: FieldSchema): string {
  const d = f.default
  const el = elementType(f.type)
  if (el !== null) return d === 'null' ? 'null' : '[]'
  switch (f.type) {
    case 'bool':
      return d === 'true' ? 'true' : 'false'
    case 'string':
      return d === 'null' ? 'null' : JSON.stringify(d ?? '')
    case 'uuid':
      return 'ZERO_UUID'
    case 'bytes':
      return d === 'null' ? 'null' : 'EMPTY_BUFFER'
    case 'records':
      return 'null'
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'uint16':
    case 'uint32':
    case 'float64': {
      if (d === undefined || d === '') return '0'
      const n = d.startsWith('0x') ? Number.parseInt(d, 16) : Number(d)
      if (Number.isNaN(n)) throw new Error(`${ctx.msg.name}.${f.name}: bad default ${d}`)
      return String(n)
    }
    default:
      return d === 'null' ? 'null' : `default${structFor(ctx, f).tsName}()`
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

function readPrimitive(t: string, flexExpr: string, nullableExpr: string): string {
  const choose = (compact: string, classic: string): string => {
    if (flexExpr === 'true') return compact
    if (flexExpr === 'false') return classic
    return `(${flexExpr} ? ${compact} : ${classic})`
  }
  const nullable = (yes: string, no: string): string => {
    if (nullableExpr === 'true') return yes
    if (nullableExpr === 'false') return no
    return `(${nullableExpr} ? ${yes} : ${no})`
  }
  switch (t) {
    case 'int8':
      return 'r.readInt8()'
    case 'int16':
      return 'r.readInt16()'
    case 'int32':
      return 'r.readInt32()'
    case 'int64':
      return 'r.readInt64()'
    case 'uint16':
      return 'r.readUInt16()'
    case 'uint32':
      return 'r.readUInt32()'
    case 'float64':
      return 'r.readFloat64()'
    case 'bool':
      return 'r.readBool()'
    case 'uuid':
      return 'r.readUuid()'
    case 'string':
      return nullable(
        choose('r.readCompactNullableString()', 'r.readNullableString()'),
        choose('r.readCompactString()', 'r.readString()'),
      )
    case 'bytes':
    case 'records':
      return nullable(
        choose('r.readCompactNullableBytes()', 'r.readNullableBytes()'),
        choose('r.readCompactBytes()', 'r.readBytes()'),
      )
    default:
      throw new Error(`not a primitive: ${t}`)
  }
}

function flexExprFor(ctx: Ctx, f: FieldSchema, range: Range): string {
  const flex = f.flexibleVersions !== undefined ? parseRange(f.flexibleVersions) : ctx.flexible
  return cond(flex, range)
}

function readExpr(ctx: Ctx, f: FieldSchema, range: Range): string {
  const fr = intersect(parseRange(f.versions), range)
  const flexExpr = flexExprFor(ctx, f, fr)
  const nullableExpr = cond(parseRange(f.nullableVersions), fr)
  const el = elementType(f.type)
  if (el !== null) {
    const readEl = PRIMITIVES.has(el) ? readPrimitive(el, flexExpr, 'false') : `decode${structFor(ctx, f).tsName}(r, v)`
    const lenExpr =
      flexExpr === 'true'
        ? 'r.readCompactArrayLength()'
        : flexExpr === 'false'
          ? 'r.readArrayLength()'
          : `(${flexExpr} ? r.readCompactArrayLength() : r.readArrayLength())`
    const fn = nullableExpr === 'false' ? 'readArrayOf' : 'readNullableArrayOf'
    return `${fn}(r, ${lenExpr}, (r) => ${readEl})`
  }
  if (PRIMITIVES.has(f.type)) return readPrimitive(f.type, flexExpr, nullableExpr)
  const s = structFor(ctx, f)
  if (nullableExpr === 'false') return `decode${s.tsName}(r, v)`
  return `(${nullableExpr} && r.readInt8() < 0 ? null : decode${s.tsName}(r, v))`
}

function emitDecoder(ctx: Ctx, tsName: string, fields: readonly FieldSchema[], range: Range): void {
  const { out } = ctx
  const flexExpr = cond(ctx.flexible, range)
  out.push(`export function decode${tsName}(r: Reader, v: number): ${tsName} {`)
  const tagged: FieldSchema[] = []
  for (const f of fields) {
    const name = camel(f.name)
    const fr = intersect(parseRange(f.versions), range)
    const tr = parseRange(f.taggedVersions)
    const type = tsType(ctx, f)
    if (!isEmpty(intersect(tr, fr))) {
      out.push(`  let ${name}: ${type} = ${defaultExpr(ctx, f)}`)
      tagged.push(f)
      continue
    }
    const c = cond(fr, range)
    if (c === 'true') out.push(`  const ${name}: ${type} = ${readExpr(ctx, f, range)}`)
    else if (c === 'false') out.push(`  const ${name}: ${type} = ${defaultExpr(ctx, f)}`)
    else out.push(`  const ${name}: ${type} = ${c} ? ${readExpr(ctx, f, range)} : ${defaultExpr(ctx, f)}`)
  }
  if (flexExpr !== 'false') {
    const prefix = flexExpr === 'true' ? '  ' : `  if (${flexExpr}) `
    if (tagged.length === 0) {
      out.push(`${prefix}r.readTaggedFields()`)
    } else {
      out.push(`${prefix}r.readTaggedFields((tag, r) => {`)
      out.push('    switch (tag) {')
      for (const f of tagged) {
        const tr = intersect(intersect(parseRange(f.taggedVersions), parseRange(f.versions)), range)
        const c = cond(tr, range)
        out.push(`      case ${f.tag}:`)
        if (c !== 'true') out.push(`        if (!(${c})) return false`)
        out.push(`        ${camel(f.name)} = ${readExpr(ctx, untagged(f), tr)}`)
        out.push('        return true')
      }
      out.push('      default:')
      out.push('        return false')
      out.push('    }')
      out.push('  })')
    }
  }
  out.push(`  return { ${fields.map((f) => camel(f.name)).join(', ')} }`)
  out.push('}')
  out.push('')
}

// ---------------------------------------------------------------------------------------------
// Encoding

function writePrimitive(t: string, value: string, flexExpr: string, nullableExpr: string): string {
  const choose = (compact: string, classic: string): string => {
    if (flexExpr === 'true') return compact
    if (flexExpr === 'false') return classic
    return `${flexExpr} ? ${compact} : ${classic}`
  }
  const nullable = (yes: string, no: string): string => {
    if (nullableExpr === 'true') return yes
    if (nullableExpr === 'false') return no
    return `if (${nullableExpr}) ${yes}\nelse ${no}`
  }
  switch (t) {
    case 'int8':
      return `w.writeInt8(${value})`
    case 'int16':
      return `w.writeInt16(${value})`
    case 'int32':
      return `w.writeInt32(${value})`
    case 'int64':
      return `w.writeInt64(${value})`
    case 'uint16':
      return `w.writeUInt16(${value})`
    case 'uint32':
      return `w.writeUInt32(${value})`
    case 'float64':
      return `w.writeFloat64(${value})`
    case 'bool':
      return `w.writeBool(${value})`
    case 'uuid':
      return `w.writeUuid(${value})`
    case 'string':
      return nullable(
        choose(`w.writeCompactNullableString(${value})`, `w.writeNullableString(${value})`),
        choose(`w.writeCompactString(${value} ?? '')`, `w.writeString(${value} ?? '')`),
      )
    case 'bytes':
    case 'records':
      return nullable(
        choose(`w.writeCompactNullableBytes(${value})`, `w.writeNullableBytes(${value})`),
        choose(`w.writeCompactBytes(${value} ?? EMPTY_BUFFER)`, `w.writeBytes(${value} ?? EMPTY_BUFFER)`),
      )
    default:
      throw new Error(`not a primitive: ${t}`)
  }
}

function writeStmt(ctx: Ctx, f: FieldSchema, value: string, range: Range): string {
  const fr = intersect(parseRange(f.versions), range)
  const flexExpr = flexExprFor(ctx, f, fr)
  const nullableExpr = cond(parseRange(f.nullableVersions), fr)
  const el = elementType(f.type)
  if (el !== null) {
    const writeEl = PRIMITIVES.has(el)
      ? writePrimitive(el, 'x', flexExpr, 'false')
      : `encode${structFor(ctx, f).tsName}(w, v, x)`
    const arr =
      nullableExpr === 'false'
        ? `${value} ?? []`
        : nullableExpr === 'true'
          ? value
          : `${nullableExpr} ? ${value} : ${value} ?? []`
    const fn = flexExpr === 'true' ? 'writeCompactArray' : flexExpr === 'false' ? 'writeArray' : null
    if (fn !== null) return `w.${fn}(${arr}, (w, x) => ${writeEl})`
    return `if (${flexExpr}) w.writeCompactArray(${arr}, (w, x) => ${writeEl})\nelse w.writeArray(${arr}, (w, x) => ${writeEl})`
  }
  if (PRIMITIVES.has(f.type)) return writePrimitive(f.type, value, flexExpr, nullableExpr)
  const s = structFor(ctx, f)
  if (nullableExpr === 'false') return `encode${s.tsName}(w, v, ${value} ?? default${s.tsName}())`
  const nullableWrite = `if (${value} === null) w.writeInt8(-1)\nelse { w.writeInt8(1); encode${s.tsName}(w, v, ${value}) }`
  if (nullableExpr === 'true') return nullableWrite
  return `if (${nullableExpr}) { ${nullableWrite.replace('\n', ' ')} }\nelse encode${s.tsName}(w, v, ${value} ?? default${s.tsName}())`
}

/** An expression that is true when a tagged field holds its default value and may be omitted. */
function isDefaultExpr(ctx: Ctx, f: FieldSchema, value: string): string {
  const el = elementType(f.type)
  const d = defaultExpr(ctx, f)
  if (el !== null) return d === 'null' ? `${value} === null` : `(${value} === null || ${value}.length === 0)`
  if (PRIMITIVES.has(f.type)) {
    if (f.type === 'bytes' || f.type === 'records') return `(${value} === null || ${value}.length === 0)`
    return `${value} === ${d}`
  }
  const s = structFor(ctx, f)
  return `(${value} === null || isDefault${s.tsName}(${value}))`
}

function emitEncoder(ctx: Ctx, tsName: string, fields: readonly FieldSchema[], range: Range): void {
  const { out } = ctx
  const flexExpr = cond(ctx.flexible, range)
  out.push(`export function encode${tsName}(w: Writer, v: number, m: ${tsName}): void {`)
  const tagged: FieldSchema[] = []
  for (const f of fields) {
    const fr = intersect(parseRange(f.versions), range)
    const tr = parseRange(f.taggedVersions)
    if (!isEmpty(intersect(tr, fr))) {
      tagged.push(f)
      if (covers(tr, fr)) continue
    }
    if (!isEmpty(tr)) throw new Error(`${ctx.msg.name}.${f.name}: tagged in only some of its versions`)
    const c = cond(fr, range)
    if (c === 'false') continue
    const stmt = writeStmt(ctx, f, `m.${camel(f.name)}`, range)
    if (c === 'true') out.push(`  ${stmt.replace(/\n/g, '\n  ')}`)
    else out.push(`  if (${c}) {\n    ${stmt.replace(/\n/g, '\n    ')}\n  }`)
  }
  if (flexExpr !== 'false') {
    const prefix = flexExpr === 'true' ? '' : `if (${flexExpr}) `
    if (tagged.length === 0) {
      out.push(`  ${prefix}w.writeEmptyTaggedFields()`)
    } else {
      out.push(`  ${prefix}{`)
      out.push('    const tagged: [number, (w: Writer) => void][] = []')
      tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0))
      for (const f of tagged) {
        const tr = intersect(intersect(parseRange(f.taggedVersions), parseRange(f.versions)), range)
        const c = cond(tr, range)
        const value = `m.${camel(f.name)}`
        const stmt = writeStmt(ctx, untagged(f), value, tr)
        const guard = c === 'true' ? `!(${isDefaultExpr(ctx, f, value)})` : `${c} && !(${isDefaultExpr(ctx, f, value)})`
        out.push(`    if (${guard}) tagged.push([${f.tag}, (w) => {\n      ${stmt.replace(/\n/g, '\n      ')}\n    }])`)
      }
      out.push('    w.writeTaggedFields(tagged)')
      out.push('  }')
    }
  }
  out.push('}')
  out.push('')
}

function emitDefault(ctx: Ctx, tsName: string, fields: readonly FieldSchema[], isStruct: boolean): void {
  const { out } = ctx
  out.push(`export function default${tsName}(): ${tsName} {`)
  out.push(`  return { ${fields.map((f) => `${camel(f.name)}: ${defaultExpr(ctx, f)}`).join(', ')} }`)
  out.push('}')
  out.push('')
  if (isStruct) {
    out.push(`export function isDefault${tsName}(m: ${tsName}): boolean {`)
    const checks = fields.map((f) => isDefaultExpr(ctx, f, `m.${camel(f.name)}`))
    out.push(`  return ${checks.length === 0 ? 'true' : checks.join(' && ')}`)
    out.push('}')
    out.push('')
  }
}

function emitInterface(ctx: Ctx, tsName: string, fields: readonly FieldSchema[], about?: string): void {
  const { out } = ctx
  if (about !== undefined) out.push(`/** ${about} */`)
  out.push(`export interface ${tsName} {`)
  for (const f of fields) {
    const v = f.versions === '0+' ? '' : ` (versions ${f.versions})`
    const doc = (f.about ?? '').replace(/\*\//g, '* /')
    if (doc !== '' || v !== '') out.push(`  /** ${doc}${v} */`)
    out.push(`  ${camel(f.name)}: ${tsType(ctx, f)}`)
  }
  out.push('}')
  out.push('')
}

/** Prefixes parameters a generated function never reads with `_`, as noUnusedParameters requires. */
function markUnusedParams(lines: string[]): string[] {
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    const m = /^export function \w+\((.*)\): .* \{$/.exec(line)
    if (m === null) {
      out.push(line)
      i++
      continue
    }
    let j = i + 1
    while (lines[j] !== '}') j++
    const body = lines.slice(i + 1, j).join('\n')
    let header = line
    for (const p of ['r', 'v', 'w', 'm']) {
      if (new RegExp(`\\b${p}: `).test(m[1]!) && !new RegExp(`\\b${p}\\b`).test(body)) {
        header = header.replace(new RegExp(`\\b${p}: `), `_${p}: `)
      }
    }
    out.push(header, ...lines.slice(i + 1, j + 1))
    i = j + 1
  }
  return out
}

function generateMessage(msg: MessageSchema, out: string[]): void {
  const structs = collectStructs(msg)
  const valid = parseRange(msg.validVersions)
  const ctx: Ctx = { msg, structs, out, flexible: parseRange(msg.flexibleVersions) }
  out.push(`// ---- ${msg.name} (versions ${msg.validVersions}, flexible ${msg.flexibleVersions})`)
  out.push('')
  const r = parseRange(msg.validVersions)
  out.push(
    `export const ${msg.name}Versions = { min: ${r.min}, max: ${r.max}, flexibleMin: ${ctx.flexible.min > ctx.flexible.max ? -1 : ctx.flexible.min} } as const`,
  )
  out.push('')
  emitInterface(ctx, msg.name, msg.fields)
  for (const s of structs.values()) emitInterface(ctx, s.tsName, s.fields)
  emitDecoder(ctx, msg.name, msg.fields, valid)
  emitEncoder(ctx, msg.name, msg.fields, valid)
  emitDefault(ctx, msg.name, msg.fields, false)
  for (const s of structs.values()) {
    const sr = intersect(s.range, valid)
    emitDecoder(ctx, s.tsName, s.fields, sr)
    emitEncoder(ctx, s.tsName, s.fields, sr)
    emitDefault(ctx, s.tsName, s.fields, true)
  }
}

// ---------------------------------------------------------------------------------------------
// Files

async function loadSchemas(file: string): Promise<MessageSchema[]> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  return Object.entries(mod)
    .filter(([k]) => k.endsWith('Schema'))
    .map(([, v]) => v as MessageSchema)
}

async function generateSet(set: SchemaSet): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  const schemaDir = join(ROOT, set.schemaDir)
  let entries: string[]
  try {
    entries = readdirSync(schemaDir)
      .filter((f) => f.endsWith('.ts'))
      .sort()
  } catch {
    return files
  }
  const generatedDir = join(ROOT, set.generatedDir)
  const toProtocol = relative(generatedDir, PROTOCOL_DIR)
  const apiRows: string[] = []
  for (const entry of entries) {
    const messages = await loadSchemas(join(schemaDir, entry))
    const body: string[] = []
    for (const msg of messages) generateMessage(msg, body)
    const code = markUnusedParams(body.join('\n').split('\n')).join('\n')
    const uses = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(code)
    const helpers = ['EMPTY_BUFFER', 'readArrayOf', 'readNullableArrayOf', 'ZERO_UUID'].filter(uses)
    const header = [`// Generated by scripts/gen-protocol.ts from ${set.schemaDir}/${entry}. Do not edit.`]
    if (uses('Reader')) header.push(`import type { Reader } from '${toProtocol}/primitives/reader.ts'`)
    if (uses('Writer')) header.push(`import type { Writer } from '${toProtocol}/primitives/writer.ts'`)
    if (helpers.length > 0)
      header.push(`import { ${helpers.join(', ')} } from '${toProtocol}/primitives/codec-helpers.ts'`)
    const text = `${header.join('\n')}\n\n${code}`
    files.set(join(generatedDir, entry), text)
    for (const m of messages) {
      if (m.type === 'request' && m.apiKey !== undefined) {
        const resp = m.name.replace(/Request$/, 'Response')
        const respSchema = messages.find((x) => x.name === resp)
        const rf = parseRange(m.flexibleVersions)
        const sf = parseRange(respSchema?.flexibleVersions)
        const vr = parseRange(m.validVersions)
        apiRows.push(
          `  { apiKey: ${m.apiKey}, name: '${m.name.replace(/Request$/, '')}', minVersion: ${vr.min}, maxVersion: ${vr.max}, requestFlexibleMin: ${isEmpty(rf) ? -1 : rf.min}, responseFlexibleMin: ${isEmpty(sf) ? -1 : sf.min} },`,
        )
      }
    }
  }
  if (apiRows.length > 0) {
    const rows = apiRows.sort((a, b) => Number(/apiKey: (\d+)/.exec(a)![1]) - Number(/apiKey: (\d+)/.exec(b)![1]))
    const names = rows.map((row) => {
      const key = /apiKey: (\d+)/.exec(row)![1]
      const name = /name: '(\w+)'/.exec(row)![1]
      return `  ${name}: ${key},`
    })
    const text = [
      `// Generated by scripts/gen-protocol.ts from ${set.schemaDir}. Do not edit.`,
      '',
      '/** Kafka API keys by name. */',
      'export const ApiKey = {',
      ...names,
      '} as const',
      'export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey]',
      '',
      'export interface ApiMessageType {',
      '  readonly apiKey: number',
      '  readonly name: string',
      '  /** Versions the schema declares (what Samsa serves is decided by the handlers). */',
      '  readonly minVersion: number',
      '  readonly maxVersion: number',
      '  /** First version using request header v2 and compact encodings; -1 when never flexible. */',
      '  readonly requestFlexibleMin: number',
      '  readonly responseFlexibleMin: number',
      '}',
      '',
      'export const API_MESSAGE_TYPES: readonly ApiMessageType[] = [',
      ...rows,
      ']',
      '',
    ].join('\n')
    files.set(join(generatedDir, 'api-message-types.ts'), text)
  }
  return files
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const stale: string[] = []
  for (const set of SETS) {
    const files = await generateSet(set)
    for (const [file, raw] of files) {
      const text = raw
      let current = ''
      try {
        current = readFileSync(file, 'utf8')
      } catch {
        current = ''
      }
      if (current === text) continue
      if (check) stale.push(relative(ROOT, file))
      else {
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, text)
      }
    }
    if (check) {
      const dir = join(ROOT, set.generatedDir)
      let existing: string[] = []
      try {
        existing = readdirSync(dir).filter((f) => f.endsWith('.ts'))
      } catch {
        existing = []
      }
      for (const f of existing) if (!files.has(join(dir, f))) stale.push(`${relative(ROOT, join(dir, f))} (no schema)`)
    }
  }
  if (stale.length > 0) {
    console.error(`generated code is out of date; run npm run gen:\n  ${stale.join('\n  ')}`)
    process.exit(1)
  }
  if (!check) console.log('generated', basename(ROOT))
}

await main()
