/**
 * CreateTopics and CreatePartitions with an explicit replica assignment on a single node: one that names
 * a broker that is not registered, or the same broker twice, is refused with INVALID_REPLICA_ASSIGNMENT
 * (39) and a message saying why, at every version, and nothing is created (validate_only included); an
 * assignment of this node is accepted as given.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { ApiKey } from '../../../src/protocol/generated/api-message-types.ts'
import {
  decodeCreatePartitionsResponse,
  encodeCreatePartitionsRequest,
} from '../../../src/protocol/generated/create-partitions.ts'
import { decodeCreateTopicsResponse, encodeCreateTopicsRequest } from '../../../src/protocol/generated/create-topics.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'

/** CreateTopics for one topic placed by `assignment` (replicas per partition, partitions numbered from 0). */
async function createAssigned(
  c: WireClient,
  version: number,
  name: string,
  assignment: number[][],
  validateOnly = false,
): Promise<{ errorCode: number; errorMessage: string | null }> {
  const res = await c.request(
    ApiKey.CreateTopics,
    version,
    (w) =>
      encodeCreateTopicsRequest(w, version, {
        topics: [
          {
            name,
            numPartitions: -1,
            replicationFactor: -1,
            assignments: assignment.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
            configs: [],
          },
        ],
        timeoutMs: 30_000,
        validateOnly,
      }),
    decodeCreateTopicsResponse,
  )
  assert.equal(res.topics.length, 1)
  assert.equal(res.topics[0]!.name, name)
  return res.topics[0]!
}

async function exists(c: WireClient, name: string): Promise<boolean> {
  const t = (await c.metadata([name])).topics[0]
  return t?.errorCode === ErrorCode.NONE
}

describe('CreateTopics and CreatePartitions with an explicit replica assignment on one node', () => {
  let broker: EmbeddedBroker
  let c: WireClient
  let nodeId: number
  before(async () => {
    broker = await startBroker()
    c = await WireClient.connect(broker.port)
    nodeId = (await c.metadata([])).brokers[0]!.nodeId
  })
  after(async () => {
    c.close()
    await broker.close()
  })

  for (const version of [0, 1, 4, 5, 7]) {
    it(`v${version}: a broker that does not exist, or one broker twice, is INVALID_REPLICA_ASSIGNMENT and creates nothing`, async () => {
      const missing = nodeId + 6
      const cases: [string, number[][], RegExp][] = [
        [`missing-v${version}`, [[missing]], new RegExp(`broker ${missing}.*no such broker is registered`)],
        [`missing-later-v${version}`, [[nodeId], [missing]], new RegExp(`broker ${missing}`)],
        [
          `duplicate-v${version}`,
          [[nodeId, nodeId]],
          new RegExp(`Duplicate brokers not allowed in replica assignment: ${nodeId}, ${nodeId}`),
        ],
        [`empty-v${version}`, [[]], /empty replica assignment/],
      ]
      for (const [name, assignment, message] of cases) {
        for (const validateOnly of version >= 1 ? [true, false] : [false]) {
          const r = await createAssigned(c, version, name, assignment, validateOnly)
          const label = `${name} ${JSON.stringify(assignment)}${validateOnly ? ' validate_only' : ''}`
          assert.equal(r.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT, label)
          // v0 has no error message field.
          if (version >= 1) assert.match(r.errorMessage ?? '', message, label)
          assert.equal(await exists(c, name), false, `${label}: no topic`)
        }
      }
    })
  }

  it('an assignment of this node is created as given', async () => {
    const r = await createAssigned(c, 7, 'assigned', [[nodeId], [nodeId]])
    assert.equal(r.errorCode, ErrorCode.NONE)
    const t = (await c.metadata(['assigned'])).topics[0]!
    assert.deepEqual(
      t.partitions.map((p) => [p.partitionIndex, p.replicaNodes, p.leaderId]),
      [
        [0, [nodeId], nodeId],
        [1, [nodeId], nodeId],
      ],
    )
  })

  it('CreatePartitions refuses new partitions assigned to a missing broker or one broker twice, and adds none', async () => {
    const version = 3
    for (const [brokerIds, message] of [
      [[nodeId + 6], new RegExp(`broker ${nodeId + 6}`)],
      [[nodeId, nodeId], /Duplicate brokers/],
    ] as const) {
      const res = await c.request(
        ApiKey.CreatePartitions,
        version,
        (w) =>
          encodeCreatePartitionsRequest(w, version, {
            topics: [{ name: 'assigned', count: 3, assignments: [{ brokerIds: [...brokerIds] }] }],
            timeoutMs: 30_000,
            validateOnly: false,
          }),
        decodeCreatePartitionsResponse,
      )
      assert.equal(res.results[0]?.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT)
      assert.match(res.results[0]?.errorMessage ?? '', message)
      assert.equal((await c.metadata(['assigned'])).topics[0]!.partitions.length, 2)
    }
  })
})
