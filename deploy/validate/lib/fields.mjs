// Unknown-field detection. The kubernetes-models validators check types and required fields
// but accept any extra property, so a typo such as `readinesProbe` or
// `topologySpreadConstraint` would pass silently (and the API server would drop or reject
// it). This module reads the property names each compiled validator checks (the packages ship
// only the compiled Ajv code, not the JSON schemas) and reports properties no schema knows.
// Where it cannot tell (maps, inline sub-schemas, anything it does not recognise) it checks
// nothing: it may miss a typo, it never invents one.

import fs from 'node:fs';
import path from 'node:path';

const fileCache = new Map();

function resolveImport(spec, fromFile) {
  if (spec.startsWith('.')) {
    const p = path.resolve(path.dirname(fromFile), spec);
    return p.endsWith('.mjs') ? p : `${p}.mjs`;
  }
  // a package path: look in every node_modules above the importing file
  for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'node_modules', `${spec}.mjs`);
    if (fs.existsSync(p)) return p;
    if (path.dirname(dir) === dir) return null;
  }
}

function parseFile(file) {
  if (fileCache.has(file)) return fileCache.get(file);
  const src = fs.readFileSync(file, 'utf8');
  const info = { file, imports: new Map(), bodies: new Map(), main: null, shapes: new Map() };
  for (const m of src.matchAll(/import\{validate as (validate\d+)\}from"([^"]+)"/g)) info.imports.set(m[1], m[2]);
  const starts = [...src.matchAll(/function (validate\d+)\(data/g)].map((m) => ({ fn: m[1], at: m.index }));
  starts.forEach((s, i) => info.bodies.set(s.fn, src.slice(s.at, i + 1 < starts.length ? starts[i + 1].at : src.length)));
  const main = src.match(/export const validate=function (validate\d+)\(/);
  info.main = main ? main[1] : null;
  fileCache.set(file, info);
  return info;
}

/** The shape a validator function checks: {props: Map<name, () => shape>} | {items: () => shape} | null. */
function shapeOf(info, fn, depth = 0) {
  if (!fn || depth > 20) return null;
  if (info.shapes.has(fn)) return info.shapes.get(fn);
  info.shapes.set(fn, null); // recursion guard
  let shape = null;
  if (info.imports.has(fn)) {
    const target = resolveImport(info.imports.get(fn), info.file);
    if (target && fs.existsSync(target)) {
      const ti = parseFile(target);
      shape = shapeOf(ti, ti.main, depth + 1);
    }
  } else {
    const body = info.bodies.get(fn) ?? '';
    const open = /for\(const key\d+ in data\)/.test(body) || /\b(anyOf|oneOf)\b/.test(body) || /_valid\d*/.test(body);
    const names = new Set();
    for (const m of body.matchAll(/void 0===data(?:\.([A-Za-z_$][\w$]*)|\["((?:[^"\\]|\\.)*)"\])/g)) names.add(m[1] ?? m[2]);
    if (names.size && !open) {
      const props = new Map();
      for (const name of names) {
        const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const call = body.match(new RegExp(`void 0===data(?:\\.${esc}|\\["${esc}"\\])\\|\\|(validate\\d+)\\(data`));
        props.set(name, call ? () => shapeOf(info, call[1], depth + 1) : () => null);
      }
      shape = { props };
    } else if (!names.size) {
      const item = body.match(/Array\.isArray\(data\)[\s\S]*?(validate\d+)\(data\[i\d+\]/);
      const delegate = body.match(/(?:\|\||return |[;,{])(validate\d+)\(data,\{instancePath[,}]/);
      if (item) shape = { items: () => shapeOf(info, item[1], depth + 1) };
      else if (delegate) shape = shapeOf(info, delegate[1], depth + 1);
    }
  }
  info.shapes.set(fn, shape);
  return shape;
}

/** The shape of a model's schema module file (e.g. .../_schemas/IoK8sApiAppsV1Deployment.mjs). */
export function schemaShape(file) {
  const info = parseFile(file);
  return shapeOf(info, info.main);
}

/** Paths of properties in value that the shape does not declare. */
export function unknownFields(value, shape, at = '') {
  const out = [];
  if (!shape || value === null || typeof value !== 'object') return out;
  if (shape.props && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!shape.props.has(k)) out.push(`${at}/${k}`);
      else out.push(...unknownFields(v, shape.props.get(k)(), `${at}/${k}`));
    }
  } else if (shape.items && Array.isArray(value)) {
    const itemShape = shape.items();
    value.forEach((v, i) => out.push(...unknownFields(v, itemShape, `${at}/${i}`)));
  }
  return out;
}
