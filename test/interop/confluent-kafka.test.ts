/**
 * confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (the Debian module, run by the system Python): its
 * AdminClient creates the topics, its Producer (acks=all) writes keyed records with headers and
 * timestamps in every codec, and a Consumer with assigned partitions reads them back to the end of
 * each partition, across a graceful broker restart.
 */
import { defineInteropSuite, type InRecord, type InteropClient, pythonMissing, runPython } from '../helpers/interop.ts'

const CREATE = `
import json, sys
from confluent_kafka.admin import AdminClient, NewTopic
a = json.load(sys.stdin)
admin = AdminClient({'bootstrap.servers': a['bootstrap']})
for topic, f in admin.create_topics([NewTopic(a['topic'], a['partitions'], 1)], operation_timeout=30).items():
    f.result(timeout=60)
print(json.dumps({'ok': True}))
`

const PRODUCE = `
import json, sys
from confluent_kafka import Producer
a = json.load(sys.stdin)
errors = []
acked = [0]
def on_delivery(err, msg):
    if err is not None: errors.append(str(err))
    else: acked[0] += 1
p = Producer({'bootstrap.servers': a['bootstrap'], 'compression.codec': a['codec'], 'acks': 'all',
              'linger.ms': 5, 'max.in.flight.requests.per.connection': 1})
for r in a['records']:
    while True:
        try:
            p.produce(a['topic'], key=r['key'].encode(), value=r['value'].encode(),
                      headers=[(k, v.encode()) for k, v in r['headers']], timestamp=r['timestamp'],
                      on_delivery=on_delivery)
            break
        except BufferError:
            p.poll(0.1)
    p.poll(0)
left = p.flush(60)
if errors or left: raise SystemExit('delivery failed: %r, %d not flushed' % (errors[:5], left))
print(json.dumps({'acked': acked[0]}))
`

const CONSUME = `
import json, sys, time
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING, KafkaError
a = json.load(sys.stdin)
c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': 'interop-unused', 'enable.auto.commit': False,
              'enable.partition.eof': True, 'check.crcs': True})
c.assign([TopicPartition(a['topic'], p, OFFSET_BEGINNING) for p in range(a['partitions'])])
out = []
at_end = set()
deadline = time.time() + 120
while (len(out) < a['count'] or len(at_end) < a['partitions']) and time.time() < deadline:
    m = c.poll(0.5)
    if m is None: continue
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            at_end.add(m.partition())
            continue
        raise SystemExit('consume failed: %s' % m.error())
    at_end.discard(m.partition())
    key, value = m.key(), m.value()
    out.append({'partition': m.partition(), 'offset': m.offset(), 'timestamp': m.timestamp()[1],
                'key': None if key is None else key.decode(),
                'value': None if value is None else value.decode(),
                'headers': [[k, None if v is None else v.decode()] for k, v in (m.headers() or [])]})
c.close()
print(json.dumps(out))
`

const client: InteropClient = {
  setsTimestamps: true,
  perRecordHeaders: true,
  async createTopic(bootstrap, topic, partitions, signal) {
    await runPython(CREATE, { bootstrap, topic, partitions }, signal)
  },
  async produce(bootstrap, topic, codec, records, signal) {
    const r = await runPython<{ acked: number }>(PRODUCE, { bootstrap, topic, codec, records }, signal)
    if (r.acked !== records.length) throw new Error(`${r.acked} of ${records.length} acknowledged`)
  },
  consume(bootstrap, topic, partitions, count, signal) {
    return runPython<InRecord[]>(CONSUME, { bootstrap, topic, partitions, count }, signal)
  },
}

const missing = pythonMissing('confluent_kafka')
defineInteropSuite(
  'confluent-kafka-python',
  client,
  missing === null ? {} : { skip: `confluent-kafka-python not installed (${missing})` },
)
