import assert from 'node:assert/strict'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { logFilePath, offsetIndexFilePath, timeIndexFilePath } from '../../src/storage/log-file-names.ts'
import { buildBatch, fakeScheduler, openTestLog, readAllBatches, tempDir, testConfig } from './helpers.ts'

const dirs: { cleanup(): void }[] = []
function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}
after(() => {
  for (const d of dirs) d.cleanup()
})

/** Appends `n` batches of 3 records and closes; returns the batch ranges and sizes. */
async function writeLog(
  d: string,
  n: number,
  overrides: Record<string, string> = {},
): Promise<{ ranges: [number, number][]; sizes: number[] }> {
  const log = await openTestLog(d, testConfig(overrides), fakeScheduler())
  const ranges: [number, number][] = []
  const sizes: number[] = []
  for (let i = 0; i < n; i++) {
    const b = buildBatch({ count: 3, valueBytes: 40, baseTimestamp: 1_700_000_000_000 + i * 10 })
    sizes.push(b.length)
    const info = await log.appendAsLeader(b, 0)
    ranges.push([info.firstOffset, info.lastOffset])
  }
  await log.close()
  return { ranges, sizes }
}

function segmentBases(d: string): number[] {
  return fs
    .readdirSync(d)
    .filter((n) => n.endsWith('.log'))
    .map((n) => Number(n.slice(0, 20)))
    .sort((a, b) => a - b)
}

describe('crash recovery', () => {
  it('drops a torn tail (log cut mid-batch) and continues offsets after the last whole batch', async () => {
    const d = dir()
    const { ranges, sizes } = await writeLog(d, 20, { 'index.interval.bytes': '100' })
    const path = logFilePath(d, 0)
    const full = fs.statSync(path).size
    fs.truncateSync(path, full - Math.floor(sizes.at(-1)! / 2))
    const log = await openTestLog(d, testConfig({ 'index.interval.bytes': '100' }), fakeScheduler())
    assert.equal(log.logEndOffset, ranges.at(-2)![1] + 1)
    assert.deepEqual(await readAllBatches(log), ranges.slice(0, -1))
    assert.equal(fs.statSync(path).size, full - sizes.at(-1)!)
    const info = await log.appendAsLeader(buildBatch({ count: 2 }), 0)
    assert.equal(info.firstOffset, ranges.at(-2)![1] + 1)
    await log.close()
  })

  it('drops a corrupt last batch (flipped byte) found by its CRC', async () => {
    const d = dir()
    const { ranges } = await writeLog(d, 10)
    const path = logFilePath(d, 0)
    const bytes = fs.readFileSync(path)
    bytes[bytes.length - 5]! ^= 0x40
    fs.writeFileSync(path, bytes)
    const log = await openTestLog(d, testConfig(), fakeScheduler())
    assert.deepEqual(await readAllBatches(log), ranges.slice(0, -1))
    assert.equal(log.logEndOffset, ranges.at(-2)![1] + 1)
    await log.close()
  })

  it('drops everything after a corrupt batch in an older segment, including later segments', async () => {
    const d = dir()
    const { ranges, sizes } = await writeLog(d, 30, { 'segment.bytes': String(1500) })
    const bases = segmentBases(d)
    assert.ok(bases.length >= 3)
    const second = logFilePath(d, bases[1]!)
    const bytes = fs.readFileSync(second)
    bytes[sizes[0]! + 30]! ^= 0xff // inside the second batch of the second segment
    fs.writeFileSync(second, bytes)
    const log = await openTestLog(d, testConfig({ 'segment.bytes': String(1500) }), fakeScheduler())
    const kept = await readAllBatches(log)
    const firstOfSecond = ranges.findIndex(([b]) => b === bases[1])
    assert.deepEqual(kept, ranges.slice(0, firstOfSecond + 1))
    assert.deepEqual(segmentBases(d), bases.slice(0, 2))
    await log.close()
  })

  it('trusts the files after a clean shutdown but still scans unflushed segments without one', async () => {
    const d = dir()
    const { ranges } = await writeLog(d, 10)
    const path = logFilePath(d, 0)
    fs.appendFileSync(path, Buffer.alloc(30, 7)) // garbage tail, shorter than a batch header claims
    const clean = await openTestLog(d, testConfig(), fakeScheduler(), { hadCleanShutdown: true })
    assert.equal(clean.logEndOffset, ranges.at(-1)![1] + 1)
    await clean.close()
    const recovered = await openTestLog(d, testConfig(), fakeScheduler(), { recoveryPoint: 0 })
    assert.deepEqual(await readAllBatches(recovered), ranges)
    await recovered.close()
  })
})

describe('index rebuild', () => {
  const cases = { delete: 'missing', corrupt: 'out-of-order', 'truncate-odd': 'torn' } as const
  for (const [damage, label] of Object.entries(cases)) {
    it(`rebuilds ${label} index files and serves the same reads`, async () => {
      const d = dir()
      const overrides = { 'index.interval.bytes': '150' }
      const { ranges } = await writeLog(d, 40, overrides)
      const indexPath = offsetIndexFilePath(d, 0)
      const timePath = timeIndexFilePath(d, 0)
      const originalIndex = fs.readFileSync(indexPath)
      const originalTime = fs.readFileSync(timePath)
      assert.ok(originalIndex.length > 8, 'the test needs index entries')
      if (damage === 'delete') {
        fs.rmSync(indexPath)
        fs.rmSync(timePath)
      } else if (damage === 'corrupt') {
        const bad = Buffer.from(originalIndex)
        bad.writeInt32BE(0, bad.length - 8) // last entry's offset goes backwards
        fs.writeFileSync(indexPath, bad)
      } else {
        fs.writeFileSync(indexPath, originalIndex.subarray(0, originalIndex.length - 3))
      }
      for (const hadCleanShutdown of [true, false]) {
        const log = await openTestLog(d, testConfig(overrides), fakeScheduler(), {
          hadCleanShutdown,
          recoveryPoint: 1000,
        })
        assert.deepEqual(await readAllBatches(log), ranges)
        for (const [base, last] of ranges) {
          const r = await log.read(last, 1, log.logEndOffset, true)
          assert.equal(r.firstOffset, base)
        }
        await log.close()
      }
      assert.deepEqual(fs.readFileSync(indexPath), originalIndex)
      assert.deepEqual(fs.readFileSync(timePath), originalTime)
    })
  }

  it('writes indexes identical to the ones the append path built', async () => {
    const d = dir()
    const overrides = { 'index.interval.bytes': '64' }
    await writeLog(d, 50, overrides)
    const before = [fs.readFileSync(offsetIndexFilePath(d, 0)), fs.readFileSync(timeIndexFilePath(d, 0))]
    // Without a clean shutdown and recovery point 0 the whole segment is scanned and indexes rebuilt.
    const log = await openTestLog(d, testConfig(overrides), fakeScheduler())
    await log.close()
    assert.deepEqual([fs.readFileSync(offsetIndexFilePath(d, 0)), fs.readFileSync(timeIndexFilePath(d, 0))], before)
  })

  it('removes .deleted leftovers and orphaned index files at open', async () => {
    const d = dir()
    await writeLog(d, 3)
    fs.writeFileSync(join(d, '00000000000000000099.log.deleted'), 'x')
    fs.writeFileSync(join(d, '00000000000000000123.index'), 'x')
    const log = await openTestLog(d, testConfig(), fakeScheduler())
    const logEndOffset = log.logEndOffset
    await log.close()
    // Closing also snapshots the producer state at the log end offset, as Kafka does.
    assert.deepEqual(fs.readdirSync(d).sort(), [
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      `${String(logEndOffset).padStart(20, '0')}.snapshot`,
    ])
  })
})
