// Interop check for vilstream's Confluent wire format, driven by NodeInteropTest:
// an independent client (@kafkajs/confluent-schema-registry, pinned in package-lock.json)
// talks to the embedded registry and encodes/decodes the bytes the Java serde reads/writes.
//
//   node interop.mjs encode <registryUrl> <subject> <schemaFile> <valueJsonFile> <outFile>
//       registers the schema, encodes the value; prints {"id": N}
//   node interop.mjs decode <registryUrl> <inFile>
//       decodes wire bytes; prints the value as JSON (bytes as base64)
//
// Values are JSON with "bytes" fields as base64 strings (images[].data for ContentEvent).
import { readFileSync, writeFileSync } from 'node:fs';
import registryPackage from '@kafkajs/confluent-schema-registry';

const { SchemaRegistry, SchemaType } = registryPackage;

function fromJson(value) {
  // ContentEvent's only bytes fields are the image renditions' data
  for (const image of value.images ?? []) {
    image.data = Buffer.from(image.data, 'base64');
  }
  return value;
}

function toJson(value) {
  return JSON.stringify(value, (key, v) =>
    v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString('base64') : v);
}

async function main() {
  const [command, url, ...args] = process.argv.slice(2);
  // no retries: the registry is local, and a failure must show at once
  const registry = new SchemaRegistry({ host: url, retry: { retries: 0 } });
  if (command === 'encode') {
    const [subject, schemaFile, valueFile, outFile] = args;
    const schema = readFileSync(schemaFile, 'utf8');
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
    const bytes = await registry.encode(id, fromJson(JSON.parse(readFileSync(valueFile, 'utf8'))));
    writeFileSync(outFile, bytes);
    process.stdout.write(JSON.stringify({ id }) + '\n');
  } else if (command === 'decode') {
    const [inFile] = args;
    const value = await registry.decode(readFileSync(inFile));
    process.stdout.write(toJson(value) + '\n');
  } else {
    throw new Error(`unknown command ${command}; use encode or decode`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
