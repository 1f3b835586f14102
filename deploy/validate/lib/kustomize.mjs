// A minimal kustomize renderer for the features deploy/ uses, so CI needs no kubectl:
//   resources (files and directories), components (kind: Component), configMapGenerator (files
//   and literals, disableNameSuffixHash only), patches (JSON 6902 only, from `path` or inline
//   `patch`, with an explicit `target`), namespace, images, replicas, replacements (inline, with
//   delimiter/index options).
// Order as in kustomize: resources, components, generators, then namespace, patches, images,
// replicas, replacements. Anything else in a kustomization is an error (so that the renderer never
// silently renders something other than what kustomize would). When kubectl is installed,
// validate.mjs also renders with `kubectl kustomize` and compares the two.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'components', 'patches', 'namespace', 'images', 'replicas',
  'replacements', 'configMapGenerator']);
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

// kinds kustomize treats as cluster-scoped among those that could appear here
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterTriggerAuthentication', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'APIService', 'IngressClass', 'RuntimeClass']);
const REPLICA_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

export class KustomizeError extends Error {}

/** Parses a multi-document YAML file the way Kubernetes tools do (YAML 1.1: 0440 is octal). */
export function parseManifests(text, file) {
  const docs = YAML.parseAllDocuments(text, { version: '1.1', prettyErrors: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new KustomizeError(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS({ maxAliasCount: -1 });
    if (value === null || value === undefined) continue;
    out.push(value);
  }
  return out;
}

function readYamlFile(file) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { version: '1.1', prettyErrors: true });
  if (doc.errors.length) throw new KustomizeError(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS({ maxAliasCount: -1 });
}

function kustomizationFile(dir) {
  for (const f of KUSTOMIZATION_FILES) {
    const p = path.join(dir, f);
    if (fs.existsSync(p)) return p;
  }
  throw new KustomizeError(`${dir}: no kustomization.yaml`);
}

function groupOf(apiVersion) {
  return apiVersion && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}
function versionOf(apiVersion) {
  return apiVersion && apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
}

export function objectId(o) {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;
}

// ------------------------------------------------------------------------- JSON 6902

function unescapeToken(t) {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointer(p, where) {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new KustomizeError(`${where}: JSON pointer "${p}" must start with /`);
  return p.slice(1).split('/').map(unescapeToken);
}

function deepEqual(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  }
  return v;
}

function resolveParent(doc, tokens, where, op) {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    if (Array.isArray(cur)) {
      const idx = Number(t);
      if (!Number.isInteger(idx) || idx < 0 || idx >= cur.length) {
        throw new KustomizeError(`${where}: ${op}: no element ${t} at /${tokens.slice(0, i).join('/')}`);
      }
      cur = cur[idx];
    } else if (cur && typeof cur === 'object' && t in cur) {
      cur = cur[t];
    } else {
      throw new KustomizeError(`${where}: ${op}: path /${tokens.slice(0, i + 1).join('/')} does not exist`);
    }
  }
  return cur;
}

function getAt(doc, tokens, where, op) {
  const parent = resolveParent(doc, tokens, where, op);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const idx = Number(last);
    if (!Number.isInteger(idx) || idx < 0 || idx >= parent.length) throw new KustomizeError(`${where}: ${op}: no element /${tokens.join('/')}`);
    return parent[idx];
  }
  if (!parent || typeof parent !== 'object' || !(last in parent)) throw new KustomizeError(`${where}: ${op}: path /${tokens.join('/')} does not exist`);
  return parent[last];
}

/** Applies RFC 6902 operations to a deep copy of doc. */
export function applyJson6902(doc, ops, where) {
  const out = structuredClone(doc);
  if (!Array.isArray(ops)) throw new KustomizeError(`${where}: a JSON 6902 patch is a list of operations`);
  for (const [i, op] of ops.entries()) {
    const at = `${where} op ${i} (${op?.op} ${op?.path})`;
    if (!op || typeof op !== 'object' || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new KustomizeError(`${at}: each operation needs "op" and "path"`);
    }
    const tokens = pointer(op.path, at);
    if (tokens.length === 0) throw new KustomizeError(`${at}: operations on the whole document are not supported`);
    const last = tokens[tokens.length - 1];
    switch (op.op) {
      case 'add': {
        if (!('value' in op)) throw new KustomizeError(`${at}: add needs a value`);
        const parent = resolveParent(out, tokens, at, 'add');
        if (Array.isArray(parent)) {
          if (last === '-') parent.push(structuredClone(op.value));
          else {
            const idx = Number(last);
            if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) throw new KustomizeError(`${at}: index out of range`);
            parent.splice(idx, 0, structuredClone(op.value));
          }
        } else if (parent && typeof parent === 'object') {
          parent[last] = structuredClone(op.value);
        } else {
          throw new KustomizeError(`${at}: parent is not an object or array`);
        }
        break;
      }
      case 'replace': {
        if (!('value' in op)) throw new KustomizeError(`${at}: replace needs a value`);
        getAt(out, tokens, at, 'replace');
        const parent = resolveParent(out, tokens, at, 'replace');
        if (Array.isArray(parent)) parent[Number(last)] = structuredClone(op.value);
        else parent[last] = structuredClone(op.value);
        break;
      }
      case 'remove': {
        getAt(out, tokens, at, 'remove');
        const parent = resolveParent(out, tokens, at, 'remove');
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      }
      case 'test': {
        const actual = getAt(out, tokens, at, 'test');
        if (!deepEqual(actual, op.value)) {
          throw new KustomizeError(`${at}: test failed: found ${JSON.stringify(actual)}, expected ${JSON.stringify(op.value)}`);
        }
        break;
      }
      case 'copy':
      case 'move': {
        if (typeof op.from !== 'string') throw new KustomizeError(`${at}: ${op.op} needs "from"`);
        const fromTokens = pointer(op.from, at);
        const value = structuredClone(getAt(out, fromTokens, at, op.op));
        if (op.op === 'move') {
          const fp = resolveParent(out, fromTokens, at, 'move');
          const fl = fromTokens[fromTokens.length - 1];
          if (Array.isArray(fp)) fp.splice(Number(fl), 1);
          else delete fp[fl];
        }
        const parent = resolveParent(out, tokens, at, op.op);
        if (Array.isArray(parent)) {
          if (last === '-') parent.push(value);
          else parent.splice(Number(last), 0, value);
        } else parent[last] = value;
        break;
      }
      default:
        throw new KustomizeError(`${at}: unknown operation "${op.op}"`);
    }
  }
  return out;
}

// ------------------------------------------------------------------------- selectors

function anchored(pattern) {
  return new RegExp(`^(?:${pattern})$`);
}

function matchesLabelSelector(labels, selector) {
  for (const term of selector.split(',').map((s) => s.trim()).filter(Boolean)) {
    const ne = term.match(/^([^!=]+)!=(.*)$/);
    const eq = term.match(/^([^!=]+)==?(.*)$/);
    if (ne) {
      if ((labels ?? {})[ne[1].trim()] === ne[2].trim()) return false;
    } else if (eq) {
      if ((labels ?? {})[eq[1].trim()] !== eq[2].trim()) return false;
    } else if (/^!/.test(term)) {
      if (term.slice(1).trim() in (labels ?? {})) return false;
    } else if (!(term in (labels ?? {}))) {
      return false;
    }
  }
  return true;
}

export function matchesTarget(o, target) {
  if (target.group !== undefined && !anchored(target.group).test(groupOf(o.apiVersion))) return false;
  if (target.version !== undefined && !anchored(target.version).test(versionOf(o.apiVersion))) return false;
  if (target.kind !== undefined && !anchored(target.kind).test(o.kind)) return false;
  if (target.name !== undefined && !anchored(target.name).test(o.metadata?.name ?? '')) return false;
  if (target.namespace !== undefined && !anchored(target.namespace).test(o.metadata?.namespace ?? '')) return false;
  if (target.labelSelector !== undefined && !matchesLabelSelector(o.metadata?.labels, target.labelSelector)) return false;
  if (target.annotationSelector !== undefined && !matchesLabelSelector(o.metadata?.annotations, target.annotationSelector)) return false;
  return true;
}

// ------------------------------------------------------------------------- images

function splitImage(image) {
  // name[:tag][@digest]; a port in the registry part contains ':' before the last '/'
  let digest;
  let rest = image;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

function podSpecs(o) {
  switch (o.kind) {
    case 'Pod': return [o.spec];
    case 'CronJob': return [o.spec?.jobTemplate?.spec?.template?.spec];
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return [o.spec?.template?.spec];
    default: return [];
  }
}

function applyImages(objects, images, where) {
  for (const img of images) {
    if (!img.name) throw new KustomizeError(`${where}: images entries need a name`);
    for (const o of objects) {
      for (const spec of podSpecs(o)) {
        for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
          if (typeof c.image !== 'string') continue;
          const cur = splitImage(c.image);
          if (cur.name !== img.name) continue;
          const name = img.newName ?? cur.name;
          if (img.digest) c.image = `${name}@${img.digest}`;
          else if (img.newTag) c.image = `${name}:${img.newTag}`;
          else c.image = `${name}${cur.tag ? `:${cur.tag}` : ''}${cur.digest ? `@${cur.digest}` : ''}`;
        }
      }
    }
  }
}

// ------------------------------------------------------------------------- build

/**
 * Renders the kustomization in dir.
 * @param {string} dir
 * @param {{component?: boolean, accumulated?: object[], stack?: string[]}} [opts]
 * @returns {object[]}
 */
export function build(dir, opts = {}) {
  const abs = path.resolve(dir);
  const stack = opts.stack ?? [];
  if (stack.includes(abs)) throw new KustomizeError(`cycle: ${[...stack, abs].join(' -> ')}`);
  const file = kustomizationFile(abs);
  const k = readYamlFile(file) ?? {};
  const where = path.relative(process.cwd(), file);
  const expectedKind = opts.component ? 'Component' : 'Kustomization';
  if ((k.kind ?? 'Kustomization') !== expectedKind) {
    throw new KustomizeError(`${where}: kind ${k.kind} used as a ${opts.component ? 'component' : 'resource'}; expected ${expectedKind}`);
  }
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new KustomizeError(`${where}: "${key}" is not supported by the offline renderer (deploy/validate/lib/kustomize.mjs)`);
  }

  let objects = opts.component ? opts.accumulated : [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(abs, r);
    if (!fs.existsSync(p)) throw new KustomizeError(`${where}: resource ${r} does not exist`);
    if (fs.statSync(p).isDirectory()) {
      objects = objects.concat(build(p, { stack: [...stack, abs] }));
    } else {
      objects = objects.concat(parseManifests(fs.readFileSync(p, 'utf8'), path.relative(process.cwd(), p)));
    }
  }
  for (const c of k.components ?? []) {
    const p = path.resolve(abs, c);
    if (!fs.existsSync(p) || !fs.statSync(p).isDirectory()) throw new KustomizeError(`${where}: component ${c} is not a directory`);
    objects = build(p, { component: true, accumulated: objects, stack: [...stack, abs] });
  }

  for (const [i, g] of (k.configMapGenerator ?? []).entries()) objects = objects.concat(generateConfigMap(abs, g, `${where} configMapGenerator[${i}]`));

  // transformers, in kustomize's order
  if (k.namespace) {
    objects = objects.map((o) => {
      if (CLUSTER_SCOPED.has(o.kind)) return o;
      const c = structuredClone(o);
      c.metadata = { ...(c.metadata ?? {}), namespace: k.namespace };
      return c;
    });
  }
  for (const [i, p] of (k.patches ?? []).entries()) {
    const pw = `${where} patches[${i}]${p.path ? ` (${p.path})` : ''}`;
    if (!p.target) throw new KustomizeError(`${pw}: needs an explicit target`);
    let text;
    if (p.path) {
      const pf = path.resolve(abs, p.path);
      if (!fs.existsSync(pf)) throw new KustomizeError(`${pw}: ${p.path} does not exist`);
      text = fs.readFileSync(pf, 'utf8');
    } else if (typeof p.patch === 'string') {
      text = p.patch;
    } else {
      throw new KustomizeError(`${pw}: needs "path" or "patch"`);
    }
    const parsed = YAML.parse(text, { version: '1.1' });
    if (!Array.isArray(parsed)) {
      throw new KustomizeError(`${pw}: only JSON 6902 patches (a list of operations) are supported, not strategic-merge patches`);
    }
    let matched = 0;
    objects = objects.map((o) => {
      if (!matchesTarget(o, p.target)) return o;
      matched++;
      return applyJson6902(o, parsed, `${pw} on ${o.kind}/${o.metadata?.name}`);
    });
    if (matched === 0) throw new KustomizeError(`${pw}: target ${JSON.stringify(p.target)} matches no resource`);
  }
  if (k.images) {
    objects = objects.map((o) => structuredClone(o));
    applyImages(objects, k.images, where);
  }
  for (const r of k.replicas ?? []) {
    let matched = 0;
    objects = objects.map((o) => {
      if (!REPLICA_KINDS.has(o.kind) || o.metadata?.name !== r.name) return o;
      matched++;
      const c = structuredClone(o);
      c.spec = { ...(c.spec ?? {}), replicas: r.count };
      return c;
    });
    if (matched === 0) throw new KustomizeError(`${where}: replicas entry ${r.name} matches no workload`);
  }
  if (k.replacements) objects = applyReplacements(objects, k.replacements, where);
  return objects;
}

// ------------------------------------------------------------------------- configMapGenerator

function insideRoot(root, file) {
  const r = path.relative(root, file);
  return r && !r.startsWith('..') && !path.isAbsolute(r);
}

function generateConfigMap(root, g, where) {
  if (!g.name) throw new KustomizeError(`${where}: needs a name`);
  if (g.behavior && g.behavior !== 'create') throw new KustomizeError(`${where}: behavior ${g.behavior} is not supported by the offline renderer`);
  for (const key of Object.keys(g)) {
    if (!['name', 'namespace', 'behavior', 'files', 'literals', 'options'].includes(key)) {
      throw new KustomizeError(`${where}: "${key}" is not supported by the offline renderer`);
    }
  }
  const opts = g.options ?? {};
  if (opts.disableNameSuffixHash !== true) {
    throw new KustomizeError(`${where}: set options.disableNameSuffixHash: true (the offline renderer does not compute kustomize's name hash)`);
  }
  const data = {};
  for (const f of g.files ?? []) {
    const eq = f.indexOf('=');
    const [key, rel] = eq >= 0 ? [f.slice(0, eq), f.slice(eq + 1)] : [path.basename(f), f];
    const file = path.resolve(root, rel);
    // kustomize's default load restrictor: files of a kustomization stay under its directory
    if (!insideRoot(root, file)) throw new KustomizeError(`${where}: ${rel} is outside the kustomization's directory (kustomize refuses it)`);
    if (!fs.existsSync(file)) throw new KustomizeError(`${where}: ${rel} does not exist`);
    if (key in data) throw new KustomizeError(`${where}: key ${key} twice`);
    data[key] = fs.readFileSync(file, 'utf8');
  }
  for (const l of g.literals ?? []) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new KustomizeError(`${where}: literal ${l} is not KEY=VALUE`);
    data[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const metadata = { name: g.name };
  if (g.namespace) metadata.namespace = g.namespace;
  if (opts.labels) metadata.labels = { ...opts.labels };
  if (opts.annotations) metadata.annotations = { ...opts.annotations };
  return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata, data }];
}

// ------------------------------------------------------------------------- replacements

/** a.b.0.c or a.b[name=x].c -> tokens */
function fieldPathTokens(fp, where) {
  const tokens = [];
  for (const part of String(fp).match(/\[[^\]]*\]|[^.[\]]+/g) ?? []) {
    if (part.startsWith('[')) {
      const m = part.match(/^\[([^=\]]+)=([^\]]*)\]$/);
      if (!m) throw new KustomizeError(`${where}: field path ${fp}: unsupported ${part}`);
      tokens.push({ key: m[1], value: m[2] });
    } else tokens.push(part);
  }
  if (!tokens.length) throw new KustomizeError(`${where}: empty field path`);
  return tokens;
}

function step(node, t) {
  if (node === null || node === undefined) return undefined;
  if (typeof t === 'object') return Array.isArray(node) ? node.find((e) => e && String(e[t.key]) === t.value) : undefined;
  if (Array.isArray(node)) return /^\d+$/.test(t) ? node[Number(t)] : undefined;
  return typeof node === 'object' ? node[t] : undefined;
}

function selectorOf(sel) {
  const t = {};
  if (sel.group !== undefined) t.group = sel.group;
  if (sel.version !== undefined) t.version = sel.version;
  if (sel.kind !== undefined) t.kind = sel.kind;
  if (sel.name !== undefined) t.name = sel.name;
  if (sel.namespace !== undefined) t.namespace = sel.namespace;
  return t;
}

function applyReplacements(objects, replacements, where) {
  let out = objects.map((o) => structuredClone(o));
  for (const [i, r] of replacements.entries()) {
    const rw = `${where} replacements[${i}]`;
    if (r.path) throw new KustomizeError(`${rw}: replacements from a file are not supported by the offline renderer (write them inline)`);
    if (!r.source || !Array.isArray(r.targets)) throw new KustomizeError(`${rw}: needs source and targets`);
    const sources = out.filter((o) => matchesTarget(o, selectorOf(r.source)));
    if (sources.length !== 1) throw new KustomizeError(`${rw}: source ${JSON.stringify(r.source)} selects ${sources.length} resources (needs exactly 1)`);
    let value = fieldPathTokens(r.source.fieldPath ?? 'metadata.name', rw).reduce(step, sources[0]);
    if (value === undefined || value === null) throw new KustomizeError(`${rw}: source fieldPath ${r.source.fieldPath} is missing`);
    if (r.source.options?.delimiter) value = String(value).split(r.source.options.delimiter)[r.source.options.index ?? 0] ?? '';
    for (const [j, t] of r.targets.entries()) {
      const tw = `${rw} targets[${j}]`;
      if (!t.select) throw new KustomizeError(`${tw}: needs select`);
      for (const o of out) {
        if (!matchesTarget(o, selectorOf(t.select))) continue;
        if ((t.reject ?? []).some((rj) => matchesTarget(o, selectorOf(rj)))) continue;
        for (const fp of t.fieldPaths ?? ['metadata.name']) {
          const tokens = fieldPathTokens(fp, tw);
          const parent = tokens.slice(0, -1).reduce(step, o);
          const last = tokens[tokens.length - 1];
          const current = step(parent, last);
          if (current === undefined && !t.options?.create) throw new KustomizeError(`${tw}: ${o.kind}/${o.metadata?.name} has no field ${fp}`);
          if (parent === undefined || typeof last === 'object') throw new KustomizeError(`${tw}: cannot set ${fp} in ${o.kind}/${o.metadata?.name}`);
          let v = structuredClone(value);
          const d = t.options?.delimiter;
          if (d) {
            // kustomize: split the target on the delimiter, replace part `index` (prepend when
            // negative, append past the end), join again
            const parts = String(current ?? '').split(d);
            const idx = t.options.index ?? 0;
            if (idx < 0) parts.unshift(String(value));
            else if (idx >= parts.length) parts.push(String(value));
            else parts[idx] = String(value);
            v = parts.join(d);
          }
          if (Array.isArray(parent)) parent[Number(last)] = v;
          else parent[last] = v;
        }
      }
    }
  }
  return out;
}
