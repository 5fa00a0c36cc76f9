/**
 * Large Produce frames arrive over several socket reads and are assembled in recycled buffers. Pipelined
 * requests on one connection must each land intact: a buffer returned to the pool before its batches were
 * written would show here as corrupted or swapped records.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { decodeProduceResponse, encodeProduceRequest } from '../../src/protocol/generated/produce.ts'
import { readResponseHeader } from '../../src/protocol/headers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { startBroker } from '../../src/server/embed.ts'
import { produceRequest, readPartition, requestFrame, WireClient } from '../helpers/kafka-wire.ts'

describe('pooled Produce frames', () => {
  it('keeps every record of 40 pipelined 200 KB requests intact', async () => {
    const broker = await startBroker()
    try {
      const client = await WireClient.connect(broker.port)
      await client.createTopic('pooled', 1)
      const requests = 40
      const perBatch = 50
      for (let i = 0; i < requests; i++) {
        const batch = encodeRecordBatch({
          records: Array.from({ length: perBatch }, (_, j) => ({
            key: Buffer.from(`r${i}-${j}`),
            value: Buffer.alloc(4000, (i * 31 + j) % 251),
            timestamp: 1_700_000_000_000 + i,
          })),
        })
        client.send(
          requestFrame(ApiKey.Produce, 9, 1000 + i, (w) =>
            encodeProduceRequest(w, 9, produceRequest('pooled', 0, batch, 1)),
          ),
        )
      }
      for (let i = 0; i < requests; i++) {
        const r = new Reader(await client.nextFrame())
        assert.equal(readResponseHeader(r, ApiKey.Produce, 9), 1000 + i)
        const p = decodeProduceResponse(r, 9).responses[0]!.partitionResponses[0]!
        assert.equal(p.errorCode, 0)
        assert.equal(p.baseOffset, i * perBatch)
      }
      client.close()
      const { records } = await readPartition(broker.port, 'pooled', 0)
      assert.equal(records.length, requests * perBatch)
      for (const [n, rec] of records.entries()) {
        const i = Math.floor(n / perBatch)
        const j = n % perBatch
        assert.equal(rec.key, `r${i}-${j}`)
        assert.equal(rec.value, Buffer.alloc(4000, (i * 31 + j) % 251).toString())
      }
    } finally {
      await broker.close()
    }
  })
})
