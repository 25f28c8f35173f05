/*
 * Broker benchmark driver in C over librdkafka, so the client does not measure itself (the Python
 * client tops out near 360k msg/s here). Produces 250-byte transaction-like JSON records, then reads
 * them back, against any bootstrap address or librdkafka's in-process mock cluster.
 *
 *   produce_bench -b 127.0.0.1:9092 -t topic -n 1000000 -a 1            throughput, acks=1
 *   produce_bench -b … -t topic -n 200000 -a all -r 50000               latency at a fixed rate
 *   produce_bench -m -t topic -n 1000000 -a 1                           librdkafka mock cluster
 *   produce_bench -b … -t topic -n 1000000 -F                            fetch only (records already there)
 *
 * Prints one JSON object per phase on stdout.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double *latencies;
static long delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    (void)opaque;
    if (message->err) {
        failed++;
        return;
    }
    double sent = *(double *)message->_private;
    free(message->_private);
    latencies[delivered++] = now_seconds() - sent;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void payload(char *buffer, long index) {
    int n = snprintf(buffer, 251,
                     "{\"transaction_id\": \"%08lx-4f1c-4a6b-9e2d-%012lx\", \"user_id\": \"user_%ld\", "
                     "\"city\": \"Casablanca\", \"category\": \"Electronics\", \"amount\": %ld.%02ld, "
                     "\"quantity\": %ld, \"payment_method\": \"credit_card\", \"timestamp\": \"2026-11-24T12:00:00\"}",
                     index, index * 7919, index % 1000, index % 2000, index % 100, index % 5 + 1);
    for (int i = n; i < 250; i++) buffer[i] = ' ';
}

static rd_kafka_t *make_client(rd_kafka_type_t type, const char *bootstrap, int mock, const char *acks, long rate) {
    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (mock) {
        rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", error, sizeof error);
    } else {
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, error, sizeof error);
    }
    if (type == RD_KAFKA_PRODUCER) {
        rd_kafka_conf_set(conf, "acks", acks, error, sizeof error);
        /* Throughput runs batch for 5 ms; latency runs at a fixed rate batch for 1 ms. */
        rd_kafka_conf_set(conf, "linger.ms", rate > 0 ? "1" : "5", error, sizeof error);
        rd_kafka_conf_set(conf, "batch.size", "1000000", error, sizeof error);
        rd_kafka_conf_set(conf, "queue.buffering.max.messages", "2000000", error, sizeof error);
        rd_kafka_conf_set(conf, "queue.buffering.max.kbytes", "2000000", error, sizeof error);
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    } else {
        rd_kafka_conf_set(conf, "group.id", "bench", error, sizeof error);
        rd_kafka_conf_set(conf, "fetch.max.bytes", "52428800", error, sizeof error);
        rd_kafka_conf_set(conf, "max.partition.fetch.bytes", "10485760", error, sizeof error);
        rd_kafka_conf_set(conf, "enable.partition.eof", "true", error, sizeof error);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "produce_bench: %s\n", error);
        exit(1);
    }
    return rk;
}

int main(int argc, char **argv) {
    const char *bootstrap = "127.0.0.1:9092", *topic = "bench", *acks = "1", *label = "souk";
    long count = 1000000, rate = 0;
    int mock = 0, fetch_only = 0, option;
    while ((option = getopt(argc, argv, "b:t:n:a:r:ml:F")) != -1) {
        switch (option) {
        case 'b': bootstrap = optarg; break;
        case 't': topic = optarg; break;
        case 'n': count = atol(optarg); break;
        case 'a': acks = optarg; break;
        case 'r': rate = atol(optarg); break;
        case 'm': mock = 1; break;
        case 'l': label = optarg; break;
        case 'F': fetch_only = 1; break;
        default: fprintf(stderr, "usage: produce_bench [-b bootstrap] [-t topic] [-n count] [-a acks] [-r rate] [-m]\n"); return 2;
        }
    }
    latencies = calloc(count, sizeof(double));
    rd_kafka_t *producer = make_client(RD_KAFKA_PRODUCER, bootstrap, mock, acks, rate);
    char value[251];
    double start = now_seconds();
    if (fetch_only) delivered = count;
    for (long i = 0; i < count && !fetch_only; i++) {
        if (rate > 0) {
            double due = start + (double)i / rate;
            while (now_seconds() < due) rd_kafka_poll(producer, 0);
        }
        payload(value, i);
        double *sent = malloc(sizeof(double));
        *sent = now_seconds();
        while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE(value, 250),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(sent),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(producer, 1);
        }
        if ((i & 1023) == 0) rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 120000);
    double elapsed = now_seconds() - start;
    qsort(latencies, delivered, sizeof(double), compare);
    double p50 = delivered ? latencies[delivered / 2] : 0, p99 = delivered ? latencies[(long)(delivered * 0.99)] : 0;
    if (!fetch_only) printf("{\"target\": \"%s\", \"phase\": \"produce\", \"acks\": \"%s\", \"rate\": %ld, \"records\": %ld, "
           "\"failed\": %ld, \"seconds\": %.3f, \"records_per_s\": %.0f, \"mb_per_s\": %.1f, \"p50_ms\": %.3f, "
           "\"p99_ms\": %.3f}\n",
           label, acks, rate, delivered, failed, elapsed, delivered / elapsed, delivered * 250.0 / elapsed / 1e6,
           p50 * 1000, p99 * 1000);
    fflush(stdout);

    if (rate == 0) {
        /* Fetch throughput: read back everything from partition 0 with the same cluster handle kept
         * alive for the mock case (the mock cluster lives inside the producer's instance). */
        char error[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        const char *servers = mock ? NULL : bootstrap;
        char mockservers[512] = {0};
        if (mock) {
            rd_kafka_mock_cluster_t *cluster = rd_kafka_handle_mock_cluster(producer);
            if (cluster) snprintf(mockservers, sizeof mockservers, "%s", rd_kafka_mock_cluster_bootstraps(cluster));
            servers = mockservers;
        }
        rd_kafka_conf_set(conf, "bootstrap.servers", servers, error, sizeof error);
        rd_kafka_conf_set(conf, "group.id", "bench", error, sizeof error);
        rd_kafka_conf_set(conf, "fetch.max.bytes", "52428800", error, sizeof error);
        rd_kafka_conf_set(conf, "max.partition.fetch.bytes", "10485760", error, sizeof error);
        rd_kafka_conf_set(conf, "enable.partition.eof", "true", error, sizeof error);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error);
        rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
        rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, topic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(consumer, list);
        long read = 0;
        double fetch_start = now_seconds();
        while (read < delivered && now_seconds() - fetch_start < 30) {
            rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
            if (!message) continue;
            if (!message->err) read++;
            rd_kafka_message_destroy(message);
        }
        double fetch_elapsed = now_seconds() - fetch_start;
        printf("{\"target\": \"%s\", \"phase\": \"fetch\", \"records\": %ld, \"seconds\": %.3f, \"records_per_s\": %.0f, "
               "\"mb_per_s\": %.1f}\n",
               label, read, fetch_elapsed, read / fetch_elapsed, read * 250.0 / fetch_elapsed / 1e6);
        rd_kafka_topic_partition_list_destroy(list);
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
    }
    rd_kafka_destroy(producer);
    return 0;
}
