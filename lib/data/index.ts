export type { IdxArray, IdxExpectation } from './idx';
export { gunzipIfNeeded, isGzip, parseIdx, readIdxFile } from './idx';
export type { MnistDataset, MnistFileRole } from './mnist-files';
export { FASHION_MNIST_DEBIAN_DIR, MNIST_FILE_NAMES, MNIST_SHA256, mnistDataPackageDir } from './mnist-files';
export type { LoadMnistOptions, MnistArrays, MnistData, MnistSplitArrays } from './mnist';
export { loadMnist, readMnistArrays } from './mnist';
