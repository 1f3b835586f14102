// Interop check for vilstream's registry and wire format against Confluent's own JavaScript
// client (@confluentinc/schemaregistry, pinned in package-lock.json), driven by
// ConfluentJsInteropTest.
//
//   node confluent-interop.mjs encode <registryUrl> <topic> <schemaFile> <valueJsonFile> <outFile>
//       registers the schema under <topic>-value, serializes the value with the subject's latest
//       schema (AvroSerializer); prints {"id": N}
//   node confluent-interop.mjs decode <registryUrl> <topic> <inFile>
//       deserializes wire bytes (AvroDeserializer, writer schema fetched by id); prints the value as JSON
//   node confluent-interop.mjs fetch <registryUrl> <subject> <id>
//       the schema with that id (GET /schemas/ids/{id}); prints {"schema": "..."}
//   node confluent-interop.mjs delete <registryUrl> <subject> <permanent>
//       deletes the subject (soft, or permanent: true); prints {"versions": [...]}
//
// Values are JSON with "bytes" fields as base64 strings (images[].data for ContentEvent).
import { readFileSync, writeFileSync } from 'node:fs';
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';

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
  const client = new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });
  let answer;
  if (command === 'encode') {
    const [topic, schemaFile, valueFile, outFile] = args;
    const schema = readFileSync(schemaFile, 'utf8');
    const id = await client.register(`${topic}-value`, { schemaType: 'AVRO', schema });
    // write with the registered .avsc, not a schema the client would infer from the value
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
    const bytes = await serializer.serialize(topic, fromJson(JSON.parse(readFileSync(valueFile, 'utf8'))));
    writeFileSync(outFile, bytes);
    answer = JSON.stringify({ id });
  } else if (command === 'decode') {
    const [topic, inFile] = args;
    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
    answer = toJson(await deserializer.deserialize(topic, readFileSync(inFile)));
  } else if (command === 'fetch') {
    const [subject, id] = args;
    const info = await client.getBySubjectAndId(subject, Number(id));
    answer = JSON.stringify({ schema: info.schema });
  } else if (command === 'delete') {
    const [subject, permanent] = args;
    answer = JSON.stringify({ versions: await client.deleteSubject(subject, permanent === 'true') });
  } else {
    throw new Error(`unknown command ${command}; use encode, decode, fetch or delete`);
  }
  process.stdout.write(answer + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
