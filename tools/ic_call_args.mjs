// Candid-encoded arguments for tools/ic-deploy.sh, written as raw bytes for
// `icp canister call ... --args-file FILE --args-format bin` (model chunks are binary: their text
// form would be three times larger). Encodes with npm @dfinity/candid.
//   node tools/ic_call_args.mjs upload-begin NAME FILE OUT      {name, total_bytes, sha256}
//   node tools/ic_call_args.mjs upload-chunk ID FILE OFFSET OUT {id, offset, bytes} (2 MiB)
//   node tools/ic_call_args.mjs sha256 FILE                     prints the hex digest
import { IDL } from '@dfinity/candid';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';

const CHUNK = 2 * 1024 * 1024;
const [command, ...args] = process.argv.slice(2);
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest();

if (command === 'upload-begin') {
  const [name, file, out] = args;
  const Begin = IDL.Record({ name: IDL.Text, total_bytes: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) });
  const value = { name, total_bytes: BigInt(statSync(file).size), sha256: [...sha256(file)] };
  writeFileSync(out, IDL.encode([Begin], [value]));
} else if (command === 'upload-chunk') {
  const [id, file, offset, out] = args;
  const fd = openSync(file, 'r');
  const bytes = Buffer.alloc(CHUNK);
  const n = readSync(fd, bytes, 0, CHUNK, Number(offset));
  closeSync(fd);
  const Chunk = IDL.Record({ id: IDL.Nat64, offset: IDL.Nat64, bytes: IDL.Vec(IDL.Nat8) });
  writeFileSync(out, IDL.encode([Chunk], [{ id: BigInt(id), offset: BigInt(offset),
    bytes: bytes.subarray(0, n) }]));
} else if (command === 'sha256') {
  console.log(sha256(args[0]).toString('hex'));
} else {
  console.error('usage: ic_call_args.mjs upload-begin|upload-chunk|sha256 ...');
  process.exit(2);
}
