import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, ProtocolDecodeError, SamsaError, SamsaErrorCode } from '../../src/common/errors.ts'

describe('SamsaError', () => {
  it('documents every code in docs/errors.md, and nothing else', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/errors.md'), 'utf8')
    const documented = new Set([...doc.matchAll(/`(SAMSA_ERR_[A-Z_]+)`/g)].map((m) => m[1]))
    const codes = new Set<string>(Object.values(SamsaErrorCode))
    for (const code of codes) assert.ok(documented.has(code), `${code} is not documented in docs/errors.md`)
    for (const code of documented)
      assert.ok(codes.has(code as string), `docs/errors.md lists ${code}, which does not exist`)
  })

  it('never reuses a code for two names', () => {
    const values = Object.values(SamsaErrorCode)
    assert.equal(new Set(values).size, values.length)
  })

  it('answers instanceof across copies through its brand, and keeps subclass checks exact', () => {
    const e = new ProtocolDecodeError('bad bytes')
    assert.ok(e instanceof SamsaError)
    assert.ok(e instanceof ProtocolDecodeError)
    assert.ok(!(e instanceof ConfigError))
    assert.equal(e.code, 'SAMSA_ERR_PROTOCOL_DECODE')
    // An error from another copy of the package carries the same brand.
    const foreign = Object.create({ [Symbol.for('samsa.error')]: true }) as object
    assert.ok(foreign instanceof SamsaError)
    assert.ok(!(new Error('x') instanceof SamsaError))
  })
})
