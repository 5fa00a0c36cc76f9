import assert from 'node:assert/strict'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import fc from 'fast-check'
import {
  CheckpointFileError,
  formatCheckpoint,
  leaderEpochCheckpointFile,
  offsetCheckpointFile,
  offsetCheckpointFormatter,
  parseCheckpoint,
} from '../../src/storage/checkpoint-file.ts'
import { tempDir } from './helpers.ts'

const d = tempDir()
after(() => d.cleanup())

describe('checkpoint files', () => {
  it("writes Kafka's format: version, count, one 'topic partition offset' line each", async () => {
    const file = offsetCheckpointFile(join(d.path, 'recovery-point-offset-checkpoint'))
    await file.write([
      { topic: 'a', partition: 0, offset: 12 },
      { topic: 'b.c-d', partition: 7, offset: 9007199254740991 },
    ])
    assert.equal(fs.readFileSync(file.path, 'utf8'), '0\n2\na 0 12\nb.c-d 7 9007199254740991\n')
    assert.deepEqual(await file.read(), [
      { topic: 'a', partition: 0, offset: 12 },
      { topic: 'b.c-d', partition: 7, offset: 9007199254740991 },
    ])
    assert.deepEqual(file.readSync(), await file.read())
    assert.equal(fs.existsSync(`${file.path}.tmp`), false)
  })

  it('reads a missing file as empty and an empty list as "0\\n0\\n"', async () => {
    const file = offsetCheckpointFile(join(d.path, 'missing'))
    assert.deepEqual(await file.read(), [])
    await file.write([])
    assert.equal(fs.readFileSync(file.path, 'utf8'), '0\n0\n')
  })

  it('rejects a wrong version, a wrong count and malformed lines', () => {
    const f = offsetCheckpointFormatter
    assert.throws(() => parseCheckpoint('x', '1\n0\n', 0, f), CheckpointFileError)
    assert.throws(() => parseCheckpoint('x', '0\n2\na 0 1\n', 0, f), /Expected 2 entries/)
    assert.throws(() => parseCheckpoint('x', '0\n1\na 0\n', 0, f), /Malformed line/)
    assert.throws(() => parseCheckpoint('x', '0\n1\na x 1\n', 0, f), /Malformed line/)
    assert.throws(() => parseCheckpoint('x', '0\n', 0, f), CheckpointFileError)
  })

  it('round-trips any entries (property)', () => {
    const topic = fc.stringMatching(/^[a-zA-Z0-9._-]{1,40}$/)
    fc.assert(
      fc.property(
        fc.array(fc.record({ topic, partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }), offset: fc.maxSafeNat() })),
        (entries) => {
          const text = formatCheckpoint(0, entries, offsetCheckpointFormatter)
          assert.deepEqual(
            parseCheckpoint('x', text, 0, offsetCheckpointFormatter),
            entries.map((e) => ({ ...e })),
          )
        },
      ),
    )
  })

  it('handles leader-epoch-checkpoint entries', async () => {
    const file = leaderEpochCheckpointFile(join(d.path, 'leader-epoch-checkpoint'))
    await file.write([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 120 },
    ])
    assert.equal(fs.readFileSync(file.path, 'utf8'), '0\n2\n0 0\n3 120\n')
    assert.deepEqual(await file.read(), [
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 120 },
    ])
  })
})
