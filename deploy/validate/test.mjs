// Tests of the validator itself: the renderer, the PromQL reader, the unknown-field check, and
// that validate.mjs passes on the repository and fails on typical mistakes.
//   npm test --prefix deploy/validate      (node --test, about 15 s)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applyJson6902, matchesTarget, build, KustomizeError } from './lib/kustomize.mjs';
import { readPromql, unknownMetrics } from './lib/promql.mjs';
import { schemaShape, unknownFields } from './lib/fields.mjs';
import { METRICS, METRIC_PREFIXES } from './lib/contract.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

test('JSON 6902: add, replace, remove, test, escaped keys', () => {
  const doc = { a: { list: [1, 2], m: {} } };
  const out = applyJson6902(doc, [
    { op: 'add', path: '/a/list/-', value: 3 },
    { op: 'add', path: '/a/list/0', value: 0 },
    { op: 'replace', path: '/a/list/1', value: 10 },
    { op: 'remove', path: '/a/list/2' },
    { op: 'add', path: '/a/m/nvidia.com~1gpu', value: '1' },
    { op: 'test', path: '/a/list', value: [0, 10, 3] },
  ], 't');
  assert.deepEqual(out, { a: { list: [0, 10, 3], m: { 'nvidia.com/gpu': '1' } } });
  assert.deepEqual(doc, { a: { list: [1, 2], m: {} } }, 'the input is not modified');
  assert.throws(() => applyJson6902(doc, [{ op: 'replace', path: '/a/missing', value: 1 }], 't'), KustomizeError);
  assert.throws(() => applyJson6902(doc, [{ op: 'add', path: '/x/y', value: 1 }], 't'), KustomizeError);
  assert.throws(() => applyJson6902(doc, [{ op: 'test', path: '/a/list', value: [] }], 't'), /test failed/);
});

test('patch targets: group, kind, anchored name regex, label selector', () => {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'vilstream-encoder', labels: { a: 'b' } } };
  assert.ok(matchesTarget(d, { group: 'apps', version: 'v1', kind: 'Deployment', name: 'vilstream-(encoder|trainer)' }));
  assert.ok(!matchesTarget(d, { name: 'vilstream' }), 'names are anchored');
  assert.ok(matchesTarget(d, { labelSelector: 'a=b' }));
  assert.ok(!matchesTarget(d, { labelSelector: 'a=c' }));
  assert.ok(!matchesTarget(d, { group: 'batch' }));
  assert.ok(matchesTarget({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { version: 'v1', kind: 'ConfigMap' }));
});

test('the overlays render', () => {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const prod = build('deploy/overlays/production');
    const so = prod.find((o) => o.kind === 'ScaledObject');
    assert.equal(so.metadata.namespace, 'vilstream');
    assert.equal(so.spec.triggers[0].authenticationRef.name, 'vilstream-kafka');
    const gpu = build('deploy/overlays/production-gpu');
    const enc = gpu.find((o) => o.kind === 'Deployment' && o.metadata.name === 'vilstream-encoder');
    assert.equal(enc.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'], '1');
    const ret = gpu.find((o) => o.kind === 'Deployment' && o.metadata.name === 'vilstream-retriever');
    assert.match(ret.spec.template.spec.containers[0].image, /^vilstream:/, 'the retriever stays on the CPU image');
  } finally {
    process.chdir(cwd);
  }
});

test('PromQL reader finds metric names, skips functions, labels, ranges, grouping, numbers and Grafana variables', () => {
  const r = readPromql('histogram_quantile(0.99, sum by (le, service) (rate(vilstream_encoder_encode_seconds_bucket{service="encoder"}[$__rate_interval]))) > 1e-3 and on() up offset 5m');
  assert.deepEqual(r.metrics.sort(), ['up', 'vilstream_encoder_encode_seconds_bucket']);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(unknownMetrics('sum(rate(vilstream_encoder_records_total[5m]))', METRICS, METRIC_PREFIXES).unknown, ['vilstream_encoder_records_total']);
  assert.deepEqual(unknownMetrics('jvm_memory_used_bytes', METRICS, METRIC_PREFIXES).unknown, []);
  assert.match(readPromql('sum(rate(x[5m])').problems.join(), /unbalanced/);
  assert.match(readPromql('rat(x[5m])').problems.join(), /unknown function rat/);
});

test('unknown fields are found in built-in kinds and CRDs, valid objects pass', () => {
  const shape = schemaShape(path.join(HERE, 'node_modules/kubernetes-models/_schemas/IoK8sApiAppsV1Deployment.mjs'));
  const d = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: { any: 'label' } },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'i:1', readinesProbe: {}, resources: { limits: { cpu: '1' } } }] } } },
  };
  assert.deepEqual(unknownFields(d, shape), ['/spec/template/spec/containers/0/readinesProbe']);
  const so = schemaShape(path.join(HERE, 'node_modules/@kubernetes-models/keda/_schemas/KedaShV1alpha1ScaledObject.mjs'));
  assert.deepEqual(unknownFields({ spec: { scaleTargetRef: { name: 'x' }, maxReplicasCount: 3, triggers: [{ type: 'kafka', metadata: { anything: 'goes' } }] } }, so), ['/spec/maxReplicasCount']);
});

function copyRepo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vilstream-validate-'));
  for (const f of ['docker-compose.yml', '.dockerignore', 'docs', 'deploy']) {
    fs.cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  }
  fs.symlinkSync(path.join(HERE, 'node_modules'), path.join(dir, 'deploy/validate/node_modules'));
  return dir;
}

function runValidator(dir) {
  return spawnSync(process.execPath, [path.join(dir, 'deploy/validate/validate.mjs'), '--quiet', '--no-kubectl', '--no-self-test'], { encoding: 'utf8', timeout: 120000 });
}

test('validate.mjs passes on the repository', () => {
  const r = spawnSync(process.execPath, [path.join(HERE, 'validate.mjs'), '--quiet', '--no-kubectl', '--no-self-test'], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

const MUTATIONS = [
  ['a :latest image', 'deploy/base/trainer.yaml', 'image: vilstream:0.1.0', 'image: vilstream:latest', /never :latest/],
  ['a field typo', 'deploy/base/retriever.yaml', '          readinessProbe:', '          readinesProbe:', /unknown field .*readinesProbe/],
  ['KEDA max replicas other than the partitions', 'deploy/overlays/production/kustomization.yaml', 'value: 12', 'value: 16', /must equal the content topic's partitions/],
  ['a trainer that rolls', 'deploy/base/trainer.yaml', 'type: Recreate', 'type: RollingUpdate', /strategy Recreate/],
  ['an unknown metric in an alert', 'deploy/prometheus/alerts.yml', 'vilstream_encoder_dlq_total[5m]', 'vilstream_encoder_dead_total[5m]', /vilstream_encoder_dead_total, which no service exports/],
  ['a fixed encoder container name', 'docker-compose.yml', '  encoder:\n', '  encoder:\n    container_name: encoder\n', /prevents --scale/],
  ['a compose schema violation', 'docker-compose.yml', '  init: true\n', '  init: maybe\n', /compose spec/],
  // issue 14 (1): two retrievers that need three nodes to roll out
  ['required hostname anti-affinity with maxUnavailable 0', 'deploy/overlays/production/spread-retriever.yaml', '      preferredDuringSchedulingIgnoredDuringExecution:\n        - weight: 100\n          podAffinityTerm:\n            topologyKey: kubernetes.io/hostname\n            labelSelector:\n              matchLabels:\n                app.kubernetes.io/name: vilstream\n                app.kubernetes.io/component: retriever\n', '      requiredDuringSchedulingIgnoredDuringExecution:\n        - topologyKey: kubernetes.io/hostname\n          labelSelector:\n            matchLabels:\n              app.kubernetes.io/name: vilstream\n              app.kubernetes.io/component: retriever\n', /Deployment\/vilstream-retriever: required pod anti-affinity on kubernetes.io\/hostname with maxUnavailable 0 and maxSurge 1/],
  // issue 14 (2): KEDA watching a group or topic the encoder does not use
  ['an encoder application id KEDA does not watch', 'deploy/base/encoder.yaml', 'args: [encoder, --set, topics.prefix=$(VILSTREAM_TOPICS_PREFIX)]', 'args: [encoder, --set, topics.prefix=$(VILSTREAM_TOPICS_PREFIX), --set, encoder.application.id=vilstream-encoder-b]', /ScaledObject\/vilstream-encoder: consumerGroup vilstream-encoder is not the encoder's application id vilstream-encoder-b/],
  ['a topic prefix on the encoder only', 'deploy/base/encoder.yaml', 'topics.prefix=$(VILSTREAM_TOPICS_PREFIX)]', 'topics.prefix=staging.]', /topic vilstream.content.v1 is not the encoder's content topic staging.vilstream.content.v1/],
  ['a lagThreshold the runbook does not give', 'deploy/components/keda/scaledobject.yaml', 'lagThreshold: "30000"', 'lagThreshold: "1000"', /lagThreshold 1000: docs\/OPERATIONS.md "Scaling" must give the same value/],
  // issue 14 (3): lag summed over restore consumers, the windowed max, or every topic
  ['lag of the restore consumers too', 'deploy/prometheus/alerts.yml', 'client_id=~".+-StreamThread-[0-9]+-consumer", ', 'client_id=~".+-consumer", ', /restricted to the Streams main consumers/],
  ['the windowed records_lag_max', 'deploy/prometheus/alerts.yml', 'sum(kafka_consumer_fetch_manager_records_lag{', 'sum(kafka_consumer_fetch_manager_records_lag_max{', /records_lag_max is not the consumer group's lag/],
  ['lag of every topic', 'deploy/prometheus/alerts.yml', ', topic="vilstream.content.v1"}) > 30000', '}) > 30000', /consumer lag without topic=/],
  ['lag of the deprecated underscore topic tag', 'deploy/grafana/dashboards/vilstream.json', 'topic=\\"vilstream.content.v1\\"})"', 'topic=\\"vilstream_content_v1\\"})"', /consumer lag of topic vilstream_content_v1, not the content topic/],
  // issue 14 (6): the dashboard shipped for compose only
  ['monitoring without the dashboard', 'deploy/components/monitoring/kustomization.yaml', '  - ../../grafana\n', '', /monitoring without the Grafana dashboard vilstream.json/],
  ['a dashboard ConfigMap without the sidecar label', 'deploy/grafana/kustomization.yaml', '        grafana_dashboard: "1"\n', '', /monitoring without the Grafana dashboard vilstream.json/],
  // issue 14 (4): the health check asked 9401 whatever the service
  ['the health check asking the encoder\'s port for the trainer', 'deploy/docker/healthcheck.sh', 'trainer) port=$(metrics_port 9402)', 'trainer) port=$(metrics_port 9401)', /asks port 9401 for a trainer, whose default ops port is 9402/],
  ['the health check asking the metrics port before the retriever port', 'deploy/docker/healthcheck.sh', '[ -n "$port" ] || port="${VILSTREAM_RETRIEVER_PORT:-}"', 'port="${VILSTREAM_METRICS_PORT:-9401}"', /asks port 9401 for a retriever/],
  ['a compose health check with a hard-coded port', 'docker-compose.yml', '["CMD", "vilstream-healthcheck"]\n      interval: 15s\n      timeout: 5s\n      retries: 4\n      start_period: 90s', '["CMD", "curl", "-f", "http://127.0.0.1:9401/health"]\n      interval: 15s\n      timeout: 5s\n      retries: 4\n      start_period: 90s', /must run the image's vilstream-healthcheck/],
  // issue 14 (5): the image built once per service, no producer, curl in a third-party image
  ['the vilstream image built by every service', 'docker-compose.yml', '  encoder:\n    <<: *vilstream-image\n', '  encoder:\n    <<: *vilstream-image\n    build:\n      context: .\n      dockerfile: deploy/docker/Dockerfile\n', /built by 2 services \(topics, encoder\)/],
  ['no producer', 'docker-compose.yml', 'command: ["produce", "--dataset", "fixture"', 'command: ["eval", "--dataset", "fixture"', /no producer service/],
  ['a producer outside a profile', 'docker-compose.yml', '    profiles: [producer]\n', '', /must be under a profile/],
  ['curl in the registry image\'s health check', 'docker-compose.yml', 'test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081', 'test: ["CMD-SHELL", "curl -fsS http://localhost:8081/subjects || exec 3<>/dev/tcp/127.0.0.1/8081', /uses curl, which confluentinc\/cp-schema-registry does not promise to ship/],
];

test('validate.mjs fails on typical mistakes, naming them', () => {
  const dir = copyRepo();
  try {
    for (const [what, file, from, to, expect] of MUTATIONS) {
      const p = path.join(dir, file);
      const original = fs.readFileSync(p, 'utf8');
      assert.ok(original.includes(from), `${what}: "${from}" not found in ${file}`);
      fs.writeFileSync(p, original.replace(from, to));
      const r = runValidator(dir);
      fs.writeFileSync(p, original);
      assert.equal(r.status, 1, `${what}: expected exit code 1\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, expect, `${what}: expected an error matching ${expect}\n${r.stdout}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the ScaledObject follows the application id and topic prefix an overlay patches, and is caught when it does not', () => {
  const dir = copyRepo();
  try {
    const k = path.join(dir, 'deploy/overlays/production/kustomization.yaml');
    const original = fs.readFileSync(k, 'utf8');
    const patched = original.replace('patches:\n', `patches:
  - target:
      version: v1
      kind: ConfigMap
      name: vilstream-config
    patch: |-
      - op: replace
        path: /data/VILSTREAM_ENCODER_APPLICATION_ID
        value: vilstream-encoder-prod
      - op: replace
        path: /data/VILSTREAM_TOPICS_PREFIX
        value: prod.
`);
    assert.notEqual(patched, original);
    // with the overlay's replacements: KEDA follows, the validator passes (the alert's topic must follow too)
    fs.writeFileSync(k, patched);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const so = build('deploy/overlays/production').find((o) => o.kind === 'ScaledObject');
      assert.equal(so.spec.triggers[0].metadata.consumerGroup, 'vilstream-encoder-prod');
      assert.equal(so.spec.triggers[0].metadata.topic, 'prod.vilstream.content.v1');
    } finally {
      process.chdir(cwd);
    }
    let r = runValidator(dir);
    assert.match(r.stdout, /consumer lag of topic vilstream.content.v1, but the encoder reads prod.vilstream.content.v1/, 'the alert still names the unprefixed topic');
    assert.doesNotMatch(r.stdout, /ScaledObject\/vilstream-encoder: (consumerGroup|topic)/, r.stdout);
    // without them (the component's copies ran before the overlay's patch): caught
    fs.writeFileSync(k, patched.slice(0, patched.indexOf('\nreplacements:\n') + 1));
    r = runValidator(dir);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /consumerGroup vilstream-encoder is not the encoder's application id vilstream-encoder-prod/);
    assert.match(r.stdout, /topic vilstream.content.v1 is not the encoder's content topic prod.vilstream.content.v1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
