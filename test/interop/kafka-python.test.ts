/**
 * kafka-python 2.0.2 (the Debian module, run by the system Python): its admin client creates the
 * topics, its producer writes keyed records with headers and timestamps in every codec, its consumer
 * (assigned partitions, Fetch v4) reads them back, across a graceful broker restart.
 */
import { defineInteropSuite, type InRecord, type InteropClient, pythonMissing, runPython } from '../helpers/interop.ts'

const CREATE = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic
a = json.load(sys.stdin)
admin = KafkaAdminClient(bootstrap_servers=a['bootstrap'], client_id='interop')
res = admin.create_topics([NewTopic(a['topic'], a['partitions'], 1)])
errors = [e for e in res.topic_errors if e[1] != 0]
admin.close()
if errors: raise SystemExit('create_topics failed: %r' % (errors,))
print(json.dumps({'ok': True}))
`

const PRODUCE = `
import json, sys
from kafka import KafkaProducer
a = json.load(sys.stdin)
p = KafkaProducer(bootstrap_servers=a['bootstrap'], compression_type=a['codec'], acks='all',
                  linger_ms=5, max_in_flight_requests_per_connection=1)
futures = [p.send(a['topic'], key=r['key'].encode(), value=r['value'].encode(),
                  headers=[(k, v.encode()) for k, v in r['headers']], timestamp_ms=r['timestamp'])
           for r in a['records']]
p.flush()
offsets = [f.get(timeout=60).offset for f in futures]
p.close()
print(json.dumps({'acked': len(offsets)}))
`

const CONSUME = `
import json, logging, sys, time
from kafka import KafkaConsumer, TopicPartition
a = json.load(sys.stdin)

# kafka-python 2.0.2 only logs a Fetch error code it does not know, and fetches again forever: fail fast,
# naming the codes.
import kafka.errors as Errors
unknown_codes = set()
known_for_code = Errors.for_code
def for_code(code):
    error = known_for_code(code)
    if error is Errors.UnknownError and code != -1: unknown_codes.add(code)
    return error
Errors.for_code = for_code

class FetchErrors(logging.Handler):
    count = 0
    def emit(self, record):
        if 'error fetching data' in record.getMessage(): FetchErrors.count += 1
logging.getLogger('kafka.consumer.fetcher').addHandler(FetchErrors())

c = KafkaConsumer(bootstrap_servers=a['bootstrap'], group_id=None, enable_auto_commit=False,
                  auto_offset_reset='earliest', check_crcs=True)
tps = [TopicPartition(a['topic'], p) for p in range(a['partitions'])]
c.assign(tps)
c.seek_to_beginning(*tps)
out = []
deadline = time.time() + 120
while len(out) < a['count'] and time.time() < deadline:
    batch = c.poll(timeout_ms=500)
    if not batch and FetchErrors.count >= 20:
        raise SystemExit('the broker answered Fetch v4 with error codes %s (unknown to kafka-python) %d times; '
                         '%d records read' % (sorted(unknown_codes), FetchErrors.count, len(out)))
    for tp, msgs in batch.items():
        FetchErrors.count = 0
        for m in msgs:
            out.append({'partition': m.partition, 'offset': m.offset, 'timestamp': m.timestamp,
                        'key': None if m.key is None else m.key.decode(),
                        'value': None if m.value is None else m.value.decode(),
                        'headers': [[k, None if v is None else v.decode()] for k, v in m.headers]})
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

const missing = pythonMissing('kafka')
defineInteropSuite('kafka-python', client, {
  skip: missing === null ? undefined : `kafka-python not installed (${missing})`,
  codecSkips: {
    snappy: pythonMissing('snappy') ?? undefined,
    lz4: pythonMissing('lz4.frame') ?? undefined,
    zstd: pythonMissing('zstandard') ?? undefined,
  },
})
