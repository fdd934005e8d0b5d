/**
 * Reads IDX files, the format MNIST and Fashion-MNIST ship in.
 *
 * An IDX file is a 4-byte magic number, one big-endian uint32 size per
 * dimension, then the values in row-major order. The magic is two zero bytes,
 * a type code (0x08 = uint8, the only type MNIST uses) and the number of
 * dimensions: 0x00000801 is a 1-D uint8 array (labels), 0x00000803 a 3-D uint8
 * array (images). Files may be gzip-compressed, as most mirrors serve them;
 * gzip is recognised by its magic bytes 1f 8b, whatever the file is called.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** An n-dimensional uint8 array read from an IDX file. */
export interface IdxArray {
  /** Size of each dimension, outermost first, e.g. `[60000, 28, 28]`. */
  shape: number[];
  /** The values in row-major order: a view into `bytes`, not a copy. */
  data: Uint8Array;
  /** The whole uncompressed file, header included (what published checksums cover). */
  bytes: Uint8Array;
}

/** What a caller expects of an IDX file, and what to tell the user if it is wrong. */
export interface IdxExpectation {
  /** Number of dimensions the file must have: 1 for labels, 3 for images. */
  rank: number;
  /** The sentence that ends every error: how to get a good copy of the file. */
  fix?: string;
}

const HEADER_BYTES_BEFORE_DIMS = 4;
const UINT8_TYPE_CODE = 0x08;
const DEFAULT_FIX = 'Replace it with a complete, uncorrupted copy.';

/** True if the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * Parses the bytes of an (uncompressed) IDX file holding uint8 values.
 *
 * Checks the magic number, the number of dimensions and that the byte length is
 * exactly header + product(shape). `name` is used in error messages only.
 */
export function parseIdx(bytes: Uint8Array, name: string, expected: IdxExpectation): IdxArray {
  const fix = expected.fix ?? DEFAULT_FIX;
  const expectedMagic = (UINT8_TYPE_CODE << 8) | expected.rank;
  if (bytes.length < HEADER_BYTES_BEFORE_DIMS) {
    throw new Error(`${name} is truncated: it has ${bytes.length} bytes, fewer than the 4-byte IDX magic number. ${fix}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new Error(
      `${name} is not a ${expected.rank}-D uint8 IDX file: its magic number is ${hex(magic)}, ` +
      `expected ${hex(expectedMagic)}. ${fix}`);
  }
  const headerBytes = HEADER_BYTES_BEFORE_DIMS + 4 * expected.rank;
  if (bytes.length < headerBytes) {
    throw new Error(`${name} is truncated: expected a ${headerBytes}-byte header, found ${bytes.length} bytes. ${fix}`);
  }
  const shape: number[] = [];
  for (let axis = 0; axis < expected.rank; axis++) shape.push(view.getUint32(HEADER_BYTES_BEFORE_DIMS + 4 * axis, false));
  const expectedBytes = headerBytes + shape.reduce((product, size) => product * size, 1);
  if (bytes.length !== expectedBytes) {
    const problem = bytes.length < expectedBytes ? 'is truncated' : 'has trailing bytes';
    throw new Error(
      `${name} ${problem}: expected ${expectedBytes} bytes for shape [${shape.join(', ')}], found ${bytes.length}. ${fix}`);
  }
  return { shape, data: bytes.subarray(headerBytes), bytes };
}

/** Decompresses the bytes if they are gzip, else returns them unchanged. */
export function gunzipIfNeeded(bytes: Uint8Array, name: string, fix: string = DEFAULT_FIX): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${name} starts like a gzip file but does not decompress (${(error as Error).message}). ${fix}`);
  }
}

interface CachedIdx {
  size: number;
  modifiedMs: number;
  rank: number;
  array: IdxArray;
}

// The training images are 47 MB: read and parse each file once per process.
// Size and modification time are part of the key so a rewritten file is read again.
const cache = new Map<string, CachedIdx>();

/**
 * Reads an IDX file, raw or gzip-compressed, and parses it (memoised by path).
 * The returned arrays are shared between callers: treat them as read-only.
 */
export function readIdxFile(path: string, expected: IdxExpectation): IdxArray {
  const { size, mtimeMs } = statSync(path);
  const hit = cache.get(path);
  if (hit && hit.size === size && hit.modifiedMs === mtimeMs && hit.rank === expected.rank) return hit.array;
  const name = basename(path);
  const bytes = gunzipIfNeeded(readFileSync(path), name, expected.fix);
  const array = parseIdx(bytes, name, expected);
  cache.set(path, { size, modifiedMs: mtimeMs, rank: expected.rank, array });
  return array;
}
