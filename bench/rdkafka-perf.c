/*
 * rdkafka-perf: a small load generator on librdkafka's public API, in the
 * spirit of librdkafka's rdkafka_performance and Kafka's
 * kafka-producer-perf-test / kafka-consumer-perf-test.
 *
 *   rdkafka-perf produce -b HOST:PORT -t TOPIC -n RECORDS -s SIZE [-p PARTITIONS]
 *                        [-a ACKS] [-l LINGER_MS] [-B BATCH_BYTES] [-M BATCH_MSGS]
 *                        [-z CODEC] [-X key=value ...]
 *   rdkafka-perf consume -b HOST:PORT -t TOPIC [-n EXPECTED] [-X key=value ...]
 *   rdkafka-perf create  -b HOST:PORT -t TOPIC -p PARTITIONS
 *   rdkafka-perf delete  -b HOST:PORT -t TOPIC
 *
 * produce sends RECORDS null-key records of SIZE bytes at the maximum rate,
 * round-robin over partitions 0..PARTITIONS-1 (or through librdkafka's
 * partitioner with -p -1), and times from the first send to the last delivery
 * report. Latency is send call -> delivery report, per record.
 * consume reads every partition of TOPIC from the beginning (no group) and
 * reads until EXPECTED records arrived, or until every partition reports EOF.
 *
 * stdout: "#start" when the timed section begins and "#end" when it ends (so
 * a caller can sample other processes over exactly that window), a human
 * line in kafka-*-perf-test's wording, then one JSON object on the last line.
 * CPU is this process's user+sys (all librdkafka threads) over the window.
 *
 * Build: gcc -O2 -o rdkafka-perf rdkafka-perf.c -lrdkafka
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000ull;
}

static double cpu_seconds(double *user, double *sys) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
        *sys  = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
        return *user + *sys;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "rdkafka-perf: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
        exit(1);
}

/*
 * Log-linear latency histogram in microseconds: exact below 1024 µs, then 512
 * sub-buckets per power of two (relative error < 0.2 %), up to ~2^40 µs.
 */
#define HIST_LINEAR 1024
#define HIST_SUB 512
#define HIST_EXP_MAX 41
#define HIST_BUCKETS (HIST_LINEAR + (HIST_EXP_MAX - 10) * HIST_SUB)

typedef struct {
        uint64_t counts[HIST_BUCKETS];
        uint64_t n, max, sum;
} hist_t;

static int hist_index(uint64_t v) {
        if (v < HIST_LINEAR)
                return (int)v;
        int e = 63 - __builtin_clzll(v); /* >= 10 */
        if (e >= HIST_EXP_MAX)
                return HIST_BUCKETS - 1;
        int shift = e - 9;
        return HIST_LINEAR + (e - 10) * HIST_SUB + (int)((v >> shift) - HIST_SUB);
}

/* Upper bound of a bucket's values (what HdrHistogram reports). */
static uint64_t hist_value(int idx) {
        if (idx < HIST_LINEAR)
                return (uint64_t)idx;
        int rel = idx - HIST_LINEAR;
        int e = rel / HIST_SUB + 10;
        int shift = e - 9;
        uint64_t lo = ((uint64_t)(rel % HIST_SUB + HIST_SUB)) << shift;
        return lo + ((1ull << shift) - 1);
}

static void hist_record(hist_t *h, uint64_t v) {
        h->counts[hist_index(v)]++;
        h->n++;
        h->sum += v;
        if (v > h->max)
                h->max = v;
}

static double hist_pct_ms(const hist_t *h, double pct) {
        if (h->n == 0)
                return 0;
        uint64_t rank = (uint64_t)((pct / 100.0) * (double)h->n + 0.5);
        if (rank < 1)
                rank = 1;
        uint64_t seen = 0;
        for (int i = 0; i < HIST_BUCKETS; i++) {
                seen += h->counts[i];
                if (seen >= rank) {
                        uint64_t v = hist_value(i);
                        if (v > h->max)
                                v = h->max;
                        return (double)v / 1000.0;
                }
        }
        return (double)h->max / 1000.0;
}

/* ---------------------------------------------------------------- options */

typedef struct {
        const char *mode;
        const char *brokers;
        const char *topic;
        long long records;
        int size;
        int partitions;
        const char *acks;
        const char *linger;
        const char *batch_bytes;
        const char *batch_msgs;
        const char *codec;
        int timeout_s;
        int max_s;
        int nprops;
        char *props[64];
} opts_t;

static void usage(void) {
        fprintf(stderr,
                "usage: rdkafka-perf produce|consume|create|delete -b HOST:PORT -t TOPIC\n"
                "  [-n RECORDS] [-s SIZE] [-p PARTITIONS] [-a ACKS] [-l LINGER_MS]\n"
                "  [-B BATCH_BYTES] [-M BATCH_MSGS] [-z CODEC] [-T TIMEOUT_S] [-D MAX_RUN_S] [-X key=value]...\n"
                "  -T: wait for metadata / admin results; -D: the process ends itself after this long\n");
        exit(2);
}

static void conf_set(rd_kafka_conf_t *conf, const char *k, const char *v) {
        char err[512];
        if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK)
                die("%s=%s: %s", k, v, err);
}

static rd_kafka_conf_t *base_conf(const opts_t *o) {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        conf_set(conf, "bootstrap.servers", o->brokers);
        conf_set(conf, "client.id", "rdkafka-perf");
        return conf;
}

static void apply_props(rd_kafka_conf_t *conf, const opts_t *o) {
        for (int i = 0; i < o->nprops; i++) {
                char *kv = strdup(o->props[i]);
                char *eq = strchr(kv, '=');
                if (!eq)
                        die("-X expects key=value, got %s", kv);
                *eq = '\0';
                conf_set(conf, kv, eq + 1);
                free(kv);
        }
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
        (void)rk;
        if (level <= 4)
                fprintf(stderr, "rdkafka %d %s: %s\n", level, fac, buf);
}

/* Waits until TOPIC has at least `want` partitions (0 = any), each with a leader. */
static int wait_topic(rd_kafka_t *rk, const char *topic, int want, int timeout_s) {
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        uint64_t deadline = now_us() + (uint64_t)timeout_s * 1000000ull;
        int found = -1;
        while (now_us() < deadline) {
                const struct rd_kafka_metadata *md = NULL;
                rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 5000);
                if (!err && md->topic_cnt == 1 && !md->topics[0].err) {
                        const struct rd_kafka_metadata_topic *t = &md->topics[0];
                        int ok = t->partition_cnt > 0 && (want <= 0 || t->partition_cnt >= want);
                        for (int i = 0; ok && i < t->partition_cnt; i++)
                                if (t->partitions[i].err || t->partitions[i].leader < 0)
                                        ok = 0;
                        if (ok)
                                found = t->partition_cnt;
                }
                if (md)
                        rd_kafka_metadata_destroy(md);
                if (found > 0)
                        break;
                usleep(50 * 1000);
        }
        rd_kafka_topic_destroy(rkt);
        return found;
}

/* --------------------------------------------------------------- produce */

static hist_t lat;
static uint64_t dr_ok, dr_failed;
static rd_kafka_resp_err_t dr_first_err;

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
        (void)rk;
        (void)opaque;
        if (m->err) {
                if (!dr_first_err)
                        dr_first_err = m->err;
                dr_failed++;
                return;
        }
        uint64_t sent = (uint64_t)(uintptr_t)m->_private;
        uint64_t now = now_us();
        hist_record(&lat, now > sent ? now - sent : 0);
        dr_ok++;
}

static int run_produce(const opts_t *o) {
        if (!o->topic || o->records <= 0 || o->size < 0)
                usage();
        char errstr[512];
        rd_kafka_conf_t *conf = base_conf(o);
        conf_set(conf, "acks", o->acks);
        conf_set(conf, "linger.ms", o->linger);
        conf_set(conf, "batch.size", o->batch_bytes);
        conf_set(conf, "batch.num.messages", o->batch_msgs);
        conf_set(conf, "compression.codec", o->codec);
        /* A 32 MiB queue, the Java producer's default buffer.memory, so max-rate
         * latencies compare with kafka-producer-perf-test's. */
        conf_set(conf, "queue.buffering.max.messages", "1000000");
        conf_set(conf, "queue.buffering.max.kbytes", "32768");
        conf_set(conf, "message.timeout.ms", "300000");
        apply_props(conf, o);
        rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
        rd_kafka_conf_set_log_cb(conf, log_cb);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk)
                die("producer: %s", errstr);

        int nparts = wait_topic(rk, o->topic, o->partitions > 0 ? o->partitions : 0, o->timeout_s);
        if (nparts < 0)
                die("topic %s not ready within %d s", o->topic, o->timeout_s);
        int rr = o->partitions > 0 ? o->partitions : 0;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);

        /* One payload buffer, referenced (not copied) by every send. */
        char *payload = malloc(o->size > 0 ? (size_t)o->size : 1);
        uint32_t x = 2463534242u;
        for (int i = 0; i < o->size; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                payload[i] = (char)('a' + x % 26);
        }

        double u0, s0, u1, s1;
        printf("#start\n");
        fflush(stdout);
        double c0 = cpu_seconds(&u0, &s0);
        uint64_t t0 = now_us();
        long long i = 0;
        long long queue_full = 0;
        while (i < o->records) {
                int32_t part = rr ? (int32_t)(i % rr) : RD_KAFKA_PARTITION_UA;
                if (rd_kafka_produce(rkt, part, 0, payload, (size_t)o->size, NULL, 0,
                                     (void *)(uintptr_t)now_us()) == -1) {
                        rd_kafka_resp_err_t err = rd_kafka_last_error();
                        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                queue_full++;
                                rd_kafka_poll(rk, 1);
                                continue;
                        }
                        die("produce: %s", rd_kafka_err2str(err));
                }
                i++;
                if ((i & 1023) == 0)
                        rd_kafka_poll(rk, 0);
        }
        uint64_t t_sent = now_us();
        while (rd_kafka_outq_len(rk) > 0 && dr_ok + dr_failed < (uint64_t)o->records)
                rd_kafka_poll(rk, 10);
        uint64_t t1 = now_us();
        double c1 = cpu_seconds(&u1, &s1);
        printf("#end\n");
        fflush(stdout);

        double secs = (double)(t1 - t0) / 1e6;
        double bytes = (double)o->records * (double)o->size;
        double rps = (double)o->records / secs;
        double mbps = bytes / secs / 1e6;
        double cpu = c1 - c0;
        printf("%lld records sent, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max "
               "latency, %.0f ms 50th, %.0f ms 95th, %.0f ms 99th, %.0f ms 99.9th.\n",
               o->records, rps, mbps, lat.n ? (double)lat.sum / (double)lat.n / 1000.0 : 0,
               (double)lat.max / 1000.0, hist_pct_ms(&lat, 50), hist_pct_ms(&lat, 95),
               hist_pct_ms(&lat, 99), hist_pct_ms(&lat, 99.9));
        printf("{\"mode\":\"produce\",\"topic\":\"%s\",\"partitions\":%d,\"records\":%lld,"
               "\"record_size\":%d,\"bytes\":%.0f,\"elapsed_s\":%.6f,\"send_s\":%.6f,"
               "\"records_per_s\":%.1f,\"mb_per_s\":%.3f,\"delivered\":%" PRIu64
               ",\"failed\":%" PRIu64 ",\"first_error\":\"%s\",\"queue_full\":%lld,"
               "\"latency_ms\":{\"avg\":%.3f,\"p50\":%.3f,\"p95\":%.3f,\"p99\":%.3f,"
               "\"p999\":%.3f,\"max\":%.3f},"
               "\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,\"cpu_s\":%.3f,\"cpu_share\":%.3f,"
               "\"config\":{\"acks\":\"%s\",\"linger.ms\":\"%s\",\"batch.size\":\"%s\","
               "\"batch.num.messages\":\"%s\",\"compression.codec\":\"%s\"},"
               "\"librdkafka\":\"%s\"}\n",
               o->topic, nparts, o->records, o->size, bytes, secs, (double)(t_sent - t0) / 1e6,
               rps, mbps, dr_ok, dr_failed, dr_first_err ? rd_kafka_err2name(dr_first_err) : "",
               queue_full, lat.n ? (double)lat.sum / (double)lat.n / 1000.0 : 0,
               hist_pct_ms(&lat, 50), hist_pct_ms(&lat, 95), hist_pct_ms(&lat, 99),
               hist_pct_ms(&lat, 99.9), (double)lat.max / 1000.0, u1 - u0, s1 - s0, cpu,
               cpu / secs, o->acks, o->linger, o->batch_bytes, o->batch_msgs, o->codec,
               rd_kafka_version_str());
        fflush(stdout);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        free(payload);
        return dr_failed ? 1 : 0;
}

/* --------------------------------------------------------------- consume */

#define CONSUME_BATCH 10000

static int run_consume(const opts_t *o) {
        if (!o->topic)
                usage();
        char errstr[512];
        rd_kafka_conf_t *conf = base_conf(o);
        conf_set(conf, "enable.partition.eof", "true");
        conf_set(conf, "fetch.max.bytes", "52428800");
        conf_set(conf, "max.partition.fetch.bytes", "1048576");
        apply_props(conf, o);
        rd_kafka_conf_set_log_cb(conf, log_cb);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
        if (!rk)
                die("consumer: %s", errstr);

        int nparts = wait_topic(rk, o->topic, 0, o->timeout_s);
        if (nparts < 0)
                die("topic %s not ready within %d s", o->topic, o->timeout_s);
        /* Partitions are assigned directly (the simple-consumer API): no group.id,
         * so no coordinator, no __consumer_offsets and no commits. */
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
        char *eof = calloc((size_t)nparts, 1);
        int eofs = 0;
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
        rd_kafka_message_t **msgs = malloc(sizeof(*msgs) * CONSUME_BATCH);

        double u0, s0, u1, s1;
        printf("#start\n");
        fflush(stdout);
        double c0 = cpu_seconds(&u0, &s0);
        uint64_t t0 = now_us();
        for (int p = 0; p < nparts; p++)
                if (rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q) == -1)
                        die("consume_start %s [%d]: %s", o->topic, p, rd_kafka_err2str(rd_kafka_last_error()));
        uint64_t count = 0, bytes = 0, t_first = 0, t_last = t0;
        uint64_t deadline = t0 + (uint64_t)o->timeout_s * 1000000ull;
        int errors = 0;
        for (;;) {
                if (o->records > 0 && count >= (uint64_t)o->records)
                        break;
                if (eofs == nparts)
                        break;
                if (now_us() > deadline) {
                        fprintf(stderr, "rdkafka-perf: timed out after %" PRIu64 " records\n", count);
                        errors++;
                        break;
                }
                ssize_t r = rd_kafka_consume_batch_queue(q, 200, msgs, CONSUME_BATCH);
                if (r < 0)
                        die("consume: %s", rd_kafka_err2str(rd_kafka_last_error()));
                for (ssize_t k = 0; k < r; k++) {
                        rd_kafka_message_t *m = msgs[k];
                        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                                if (m->partition >= 0 && m->partition < nparts && !eof[m->partition]) {
                                        eof[m->partition] = 1;
                                        eofs++;
                                }
                        } else if (m->err) {
                                fprintf(stderr, "rdkafka-perf: consume error: %s\n", rd_kafka_message_errstr(m));
                                errors++;
                        } else {
                                if (!count)
                                        t_first = now_us();
                                count++;
                                bytes += m->len;
                        }
                        rd_kafka_message_destroy(m);
                }
                if (r > 0)
                        t_last = now_us();
        }
        uint64_t t1 = now_us();
        double c1 = cpu_seconds(&u1, &s1);
        printf("#end\n");
        fflush(stdout);

        double secs = (double)(t1 - t0) / 1e6;
        double fetch_secs = t_first ? (double)(t_last - t_first) / 1e6 : 0;
        double mb = (double)bytes / 1e6;
        double cpu = c1 - c0;
        printf("data.consumed.in.MB=%.2f, MB.sec=%.2f, data.consumed.in.nMsg=%" PRIu64
               ", nMsg.sec=%.1f, fetch.time.ms=%.0f, fetch.MB.sec=%.2f, fetch.nMsg.sec=%.1f\n",
               mb, mb / secs, count, (double)count / secs, fetch_secs * 1000,
               fetch_secs > 0 ? mb / fetch_secs : 0, fetch_secs > 0 ? (double)count / fetch_secs : 0);
        printf("{\"mode\":\"consume\",\"topic\":\"%s\",\"partitions\":%d,\"records\":%" PRIu64
               ",\"bytes\":%" PRIu64 ",\"elapsed_s\":%.6f,\"first_record_s\":%.6f,\"fetch_s\":%.6f,"
               "\"records_per_s\":%.1f,\"mb_per_s\":%.3f,\"fetch_records_per_s\":%.1f,"
               "\"fetch_mb_per_s\":%.3f,\"errors\":%d,\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,"
               "\"cpu_s\":%.3f,\"cpu_share\":%.3f,\"librdkafka\":\"%s\"}\n",
               o->topic, nparts, count, bytes, secs, t_first ? (double)(t_first - t0) / 1e6 : 0,
               fetch_secs, (double)count / secs, mb / secs,
               fetch_secs > 0 ? (double)count / fetch_secs : 0, fetch_secs > 0 ? mb / fetch_secs : 0,
               errors, u1 - u0, s1 - s0, cpu, cpu / secs, rd_kafka_version_str());
        fflush(stdout);
        for (int p = 0; p < nparts; p++)
                rd_kafka_consume_stop(rkt, p);
        rd_kafka_queue_destroy(q);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        free(msgs);
        free(eof);
        if (errors)
                return 1;
        return (o->records > 0 && count < (uint64_t)o->records) ? 1 : 0;
}

/* ----------------------------------------------------------------- admin */

static int run_admin(const opts_t *o, int create) {
        if (!o->topic || (create && o->partitions <= 0))
                usage();
        char errstr[512];
        rd_kafka_conf_t *conf = base_conf(o);
        apply_props(conf, o);
        rd_kafka_conf_set_log_cb(conf, log_cb);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk)
                die("admin: %s", errstr);
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
        rd_kafka_AdminOptions_t *opts =
            rd_kafka_AdminOptions_new(rk, create ? RD_KAFKA_ADMIN_OP_CREATETOPICS : RD_KAFKA_ADMIN_OP_DELETETOPICS);
        rd_kafka_AdminOptions_set_operation_timeout(opts, o->timeout_s * 1000, errstr, sizeof(errstr));
        rd_kafka_AdminOptions_set_request_timeout(opts, o->timeout_s * 1000, errstr, sizeof(errstr));
        const rd_kafka_topic_result_t **res;
        size_t cnt = 0;
        rd_kafka_event_t *ev;
        if (create) {
                rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(o->topic, o->partitions, 1, errstr, sizeof(errstr));
                if (!nt)
                        die("NewTopic: %s", errstr);
                rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
                ev = rd_kafka_queue_poll(q, o->timeout_s * 1000 + 5000);
                rd_kafka_NewTopic_destroy(nt);
        } else {
                rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(o->topic);
                rd_kafka_DeleteTopics(rk, &dt, 1, opts, q);
                ev = rd_kafka_queue_poll(q, o->timeout_s * 1000 + 5000);
                rd_kafka_DeleteTopic_destroy(dt);
        }
        if (!ev)
                die("%s %s: no response", create ? "create" : "delete", o->topic);
        if (rd_kafka_event_error(ev))
                die("%s %s: %s", create ? "create" : "delete", o->topic, rd_kafka_event_error_string(ev));
        if (create)
                res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        else
                res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &cnt);
        int rc = 0;
        for (size_t i = 0; i < cnt; i++) {
                rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
                if (err && !(create && err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)) {
                        fprintf(stderr, "rdkafka-perf: %s %s: %s\n", create ? "create" : "delete",
                                rd_kafka_topic_result_name(res[i]), rd_kafka_err2name(err));
                        rc = 1;
                }
        }
        rd_kafka_event_destroy(ev);
        if (!rc && create && wait_topic(rk, o->topic, o->partitions, o->timeout_s) < 0) {
                fprintf(stderr, "rdkafka-perf: topic %s has no leaders after %d s\n", o->topic, o->timeout_s);
                rc = 1;
        }
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_queue_destroy(q);
        rd_kafka_destroy(rk);
        if (!rc)
                printf("{\"mode\":\"%s\",\"topic\":\"%s\",\"partitions\":%d}\n", create ? "create" : "delete",
                       o->topic, o->partitions);
        return rc;
}

int main(int argc, char **argv) {
        if (argc < 2)
                usage();
        opts_t o = {
            .mode = argv[1],
            .brokers = "127.0.0.1:9092",
            .size = 100,
            .partitions = 0,
            .acks = "1",
            .linger = "5",
            .batch_bytes = "262144",
            .batch_msgs = "100000",
            .codec = "none",
            .timeout_s = 60,
            .max_s = 900,
        };
        optind = 2;
        int c;
        while ((c = getopt(argc, argv, "b:t:n:s:p:a:l:B:M:z:T:D:X:")) != -1) {
                switch (c) {
                case 'b': o.brokers = optarg; break;
                case 't': o.topic = optarg; break;
                case 'n': o.records = atoll(optarg); break;
                case 's': o.size = atoi(optarg); break;
                case 'p': o.partitions = atoi(optarg); break;
                case 'a': o.acks = optarg; break;
                case 'l': o.linger = optarg; break;
                case 'B': o.batch_bytes = optarg; break;
                case 'M': o.batch_msgs = optarg; break;
                case 'z': o.codec = optarg; break;
                case 'T': o.timeout_s = atoi(optarg); break;
                case 'D': o.max_s = atoi(optarg); break;
                case 'X':
                        if (o.nprops >= 64)
                                die("too many -X");
                        o.props[o.nprops++] = optarg;
                        break;
                default: usage();
                }
        }
        /* Never outlive a broker that went away: SIGALRM's default action ends the process. */
        alarm((unsigned)o.max_s);
        if (!strcmp(o.mode, "produce"))
                return run_produce(&o);
        if (!strcmp(o.mode, "consume"))
                return run_consume(&o);
        if (!strcmp(o.mode, "create"))
                return run_admin(&o, 1);
        if (!strcmp(o.mode, "delete"))
                return run_admin(&o, 0);
        usage();
}
