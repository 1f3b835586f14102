// The service contract the deployment files rely on (issue 7; the Java services implement it).
// Kept in one place so that a change on either side shows up as a validation error here.

export const TOPICS = {
  content: 'vilstream.content.v1',
  dlq: 'vilstream.content.dlq.v1',
  embeddingsImage: 'vilstream.embeddings.image.v1',
  embeddingsText: 'vilstream.embeddings.text.v1',
  tags: 'vilstream.tags.v1',
  hardNegatives: 'vilstream.hard-negatives.v1',
  modelVersions: 'vilstream.model.versions.v1',
  modelCheckpoints: 'vilstream.model.checkpoints.v1',
};

export const ENCODER_GROUP = 'vilstream-encoder';
export const TRAINER_GROUP = 'vilstream-trainer-vilstream-dual';

export const PORTS = { encoder: 9401, trainer: 9402, retriever: 8080, registry: 8081, kafka: 9092, controller: 9093 };

/** Environment keys the services read (VILSTREAM_<KEY>); VILSTREAM_KAFKA_* is a pass-through prefix. */
export const ENV_KEYS = new Set([
  'VILSTREAM_BOOTSTRAP_SERVERS', 'VILSTREAM_SCHEMA_REGISTRY_URL', 'VILSTREAM_MODEL_NAME', 'VILSTREAM_MODEL_SEED',
  'VILSTREAM_METRICS_HOST', 'VILSTREAM_METRICS_PORT',
  'VILSTREAM_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE', 'VILSTREAM_REGISTRY_BASIC_AUTH_USER_INFO',
  'VILSTREAM_ENCODER_BATCH_SIZE', 'VILSTREAM_ENCODER_BATCH_LINGER_MS', 'VILSTREAM_ENCODER_STANDBY_REPLICAS',
  'VILSTREAM_ENCODER_NUM_STREAM_THREADS', 'VILSTREAM_RETRIEVER_HOST', 'VILSTREAM_RETRIEVER_PORT',
  // topic set (TopicSet.fromConfig: topics.partitions) and the topics Job's flags
  'VILSTREAM_TOPICS_PARTITIONS', 'VILSTREAM_TOPICS_REPLICATION_FACTOR',
  // EncoderConfig encoder.application.id (= the consumer group KEDA watches)
  'VILSTREAM_ENCODER_APPLICATION_ID',
  // topics.prefix; the manifests also pass it as --set topics.prefix=$(VILSTREAM_TOPICS_PREFIX) /
  // --prefix= (the services have read topics.* from flags and files only)
  'VILSTREAM_TOPICS_PREFIX',
  // the image's launcher and health check, and the CLI's own
  'VILSTREAM_JAVA_OPTS', 'VILSTREAM_HEALTH_PORT', 'VILSTREAM_CACHE_DIR', 'VILSTREAM_CONFIG', 'VILSTREAM_DEBUG',
]);
export const ENV_PASS_THROUGH_PREFIXES = ['VILSTREAM_KAFKA_'];

const counters = [
  'vilstream_encoder_records_in_total', 'vilstream_encoder_records_out_total', 'vilstream_encoder_dlq_total',
  'vilstream_encoder_model_swaps_total', 'vilstream_encoder_model_load_failures_total',
  'vilstream_encoder_hanging_transactions_aborted_total',
  'vilstream_trainer_steps_total', 'vilstream_trainer_items_total', 'vilstream_trainer_promotions_total',
  'vilstream_trainer_rejections_total', 'vilstream_retriever_queries_total', 'vilstream_retriever_switches_total',
];
const gauges = [
  'vilstream_encoder_model_version', 'vilstream_encoder_hanging_transactions', 'vilstream_encoder_transactions_held',
  'vilstream_trainer_loss', 'vilstream_trainer_logit_scale',
  'vilstream_trainer_replay_size', 'vilstream_trainer_hard_negative_queue_size', 'vilstream_trainer_validation_recall',
  'vilstream_trainer_last_promotion_timestamp_seconds', 'vilstream_trainer_model_version',
  'vilstream_retriever_served_version', 'vilstream_retriever_index_size', 'vilstream_retriever_coverage',
  'vilstream_retriever_ingest_lag',
];
// Micrometer timers: _count, _sum, _max and (percentile histogram on) _bucket
const timers = [
  'vilstream_encoder_encode_seconds', 'vilstream_encoder_event_to_output_seconds',
  'vilstream_trainer_staleness_seconds', 'vilstream_retriever_query_seconds',
];
// Micrometer distribution summaries without histogram
const summaries = ['vilstream_encoder_batch_size'];

export const METRICS = new Set([
  ...counters, ...gauges,
  ...timers.flatMap((t) => ['_count', '_sum', '_max', '_bucket'].map((s) => t + s)),
  ...summaries.flatMap((t) => ['_count', '_sum', '_max'].map((s) => t + s)),
  'up',
]);

/** Families other than the vilstream_* contract that queries may use: the binders' and Prometheus' own. */
export const METRIC_PREFIXES = ['jvm_', 'process_', 'system_', 'kafka_', 'executor_', 'logback_'];
/** kube-state-metrics, allowed only in the Kubernetes-only rule group. */
export const KUBE_METRIC_PREFIXES = ['kube_'];

/** Services and the label value their series carry. */
export const SERVICES = ['encoder', 'trainer', 'retriever'];
