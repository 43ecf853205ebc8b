#!/usr/bin/env node
// Validate GeoJSON files the way frontline's CI needs it, one report per file.
// Usage: node .ci/node/validate.mjs [--schemas DIR] FILE.geojson...
//
// For each file:
//   - @mapbox/geojsonhint on the raw text (duplicate members, RFC 7946 right-hand
//     rule, more than 6 decimals with precisionWarning) must report nothing;
//   - @placemarkio/check-geojson must report nothing;
//   - if DIR/<basename>.schema.json exists, the file must validate against it
//     (ajv, JSON Schema draft 2020-12, with ajv-formats);
//   - for frontline layers (those with a schema), feature ids must be present, unique and
//     sorted (README.md, "Output layers": deterministic output).
// A *.topojson file must be a Topology; each of its objects, decoded with
// topojson-client, must pass geojsonhint (without the precision check: decoding
// quantized arcs gives long decimals) and check-geojson.
// Prints "ok FILE" or "FAIL FILE: ..." lines; exits 1 if any file failed, 2 on usage errors.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const geojsonhint = require('@mapbox/geojsonhint');
const { getIssues } = require('@placemarkio/check-geojson');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const topojson = require('topojson-client');

const args = process.argv.slice(2);
let schemaDir = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--schemas') schemaDir = args[++i];
  else files.push(args[i]);
}
if (!files.length || (args.includes('--schemas') && !schemaDir)) {
  console.error('usage: validate.mjs [--schemas DIR] FILE.geojson...');
  process.exit(2);
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const compiled = new Map();
function schemaFor(file) {
  if (!schemaDir) return null;
  const layer = path.basename(file).replace(/\.geojson$/, '');
  const p = path.join(schemaDir, `${layer}.schema.json`);
  if (!fs.existsSync(p)) return null;
  if (!compiled.has(p)) compiled.set(p, ajv.compile(JSON.parse(fs.readFileSync(p, 'utf8'))));
  return { name: path.basename(p), validate: compiled.get(p) };
}

function idProblems(doc) {
  const out = [];
  if (!doc || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) return out;
  const ids = doc.features.map((f) => (f && f.id !== undefined ? String(f.id) : undefined));
  ids.forEach((id, i) => { if (id === undefined) out.push(`feature ${i}: no id`); });
  const seen = new Set();
  for (const id of ids) {
    if (id === undefined) continue;
    if (seen.has(id)) out.push(`duplicate feature id ${JSON.stringify(id)}`);
    seen.add(id);
  }
  for (let i = 1; i < ids.length; i++) {
    // Byte order of the UTF-8 encoding: what Rust's str Ord gives.
    if (ids[i - 1] !== undefined && ids[i] !== undefined &&
        Buffer.compare(Buffer.from(ids[i - 1]), Buffer.from(ids[i])) > 0) {
      out.push(`features not sorted by id: ${JSON.stringify(ids[i - 1])} before ${JSON.stringify(ids[i])}`);
      break;
    }
  }
  return out;
}

function topologyProblems(text) {
  let topo;
  try { topo = JSON.parse(text); } catch (e) { return [`not JSON: ${e.message}`]; }
  if (!topo || topo.type !== 'Topology' || typeof topo.objects !== 'object' || !Array.isArray(topo.arcs)) {
    return ['not a TopoJSON Topology (type, objects and arcs required)'];
  }
  const out = [];
  for (const [name, obj] of Object.entries(topo.objects)) {
    let gj;
    try { gj = topojson.feature(topo, obj); } catch (e) { out.push(`object ${name}: cannot decode: ${e.message}`); continue; }
    const s = JSON.stringify(gj);
    for (const h of geojsonhint.hint(s)) out.push(`object ${name}: geojsonhint: ${h.message}`);
    for (const c of getIssues(s)) out.push(`object ${name}: check-geojson: ${c.message}`);
  }
  return out;
}

let failed = 0;
for (const file of files) {
  const problems = [];
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    problems.push(`cannot read: ${e.message}`);
  }
  if (text !== undefined && file.endsWith('.topojson')) {
    problems.push(...topologyProblems(text));
  } else if (text !== undefined) {
    try {
      for (const h of geojsonhint.hint(text, { precisionWarning: true })) {
        problems.push(`geojsonhint${h.line ? ` line ${h.line}` : ''}: ${h.message}`);
      }
    } catch (e) { problems.push(`geojsonhint crashed: ${e.message}`); }
    try {
      for (const c of getIssues(text)) problems.push(`check-geojson ${c.from ?? ''}: ${c.message}`);
    } catch (e) { problems.push(`check-geojson crashed: ${e.message}`); }
    let doc;
    try { doc = JSON.parse(text); } catch (e) { problems.push(`not JSON: ${e.message}`); }
    if (doc !== undefined) {
      let s = null;
      try { s = schemaFor(file); } catch (e) { problems.push(`schema does not compile: ${e.message}`); }
      if (s && !s.validate(doc)) {
        for (const e of s.validate.errors.slice(0, 20)) {
          problems.push(`${s.name}: ${e.instancePath || '/'} ${e.message}` +
            (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''));
        }
        if (s.validate.errors.length > 20) problems.push(`${s.name}: ... ${s.validate.errors.length - 20} more`);
      }
      if (s) problems.push(...idProblems(doc)); // frontline layers only: plain GeoJSON needs no ids
    }
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL ${file}:`);
    for (const p of problems) console.log(`  ${p}`);
  } else {
    console.log(`ok   ${file}`);
  }
}
process.exit(failed ? 1 : 0);
