"""Compiled execution (``autograd.compile``, ``fit(compile=True)``) against hand-written numpy and PyTorch.

Everything runs float64 on one thread (BLAS and torch), in one process, so the printed ratios
compare like with like on whatever machine runs this:

- moons step: 100 points, MLP(2, [16, 16, 1]) relu, hinge + L2 1e-4, forward + backward + SGD:
  the scalar engine, compiled training, the same step hand-written in numpy, and PyTorch batched
  (targets: compiled ≤ 2× numpy, and faster than PyTorch).
- digits: ``fit(compile=True)``, 1,437 images, 64-32-10, batch 32, Adam: seconds per epoch
  (target < 0.2 s) and test accuracy (target ≥ 95%).
- MNIST-sized: synthetic 60,000 × 784, 784-128-10 relu, softmax cross-entropy, batch 32, Adam:
  compile time (target < 20 s), one ``fit(compile=True)`` epoch vs the same epoch in PyTorch
  (target ≤ 2×), the same in float32 (``dtype="float32"``), ``prog.backward`` on one batch vs
  PyTorch forward + backward (target ≤ 5×) beside the floor of touching every parameter Value in
  Python, and the memory of the compiled program vs the scalar graph of one batch.

Run: python benchmarks/compile.py [--quick]   (--quick: 6,000 MNIST-sized rows instead of 60,000)
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads its BLAS: one thread, like the PyTorch side

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd  # noqa: E402
import nn  # noqa: E402
from nn.compiled import CompiledTraining  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:  # the PyTorch columns are skipped
    torch = None


def median_seconds(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# ----- moons ---------------------------------------------------------------------------------------
def moons_data():
    X, labels = nn.data.make_moons(100, noise=0.1, seed=0)
    return X, 2.0 * labels - 1.0, nn.MLP(2, [16, 16, 1], "relu", seed=0)


def moons_scalar_step(model, X, y, optimizer):
    loss = nn.hinge([model(x) for x in X.tolist()], y) + nn.l2_penalty(model.parameters(), 1e-4)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def layer_arrays(model):
    return [(np.array([[w.data for w in n.w] for n in layer.neurons]), np.array([n.b.data for n in layer.neurons]))
            for layer in model.layers]


def numpy_moons_step(params, X, y, lr=0.1, alpha=1e-4):
    """The moons step by hand: forward, hinge + L2, backward, SGD, in place on ``params``."""
    (W1, b1), (W2, b2), (W3, b3) = params
    z1 = X @ W1.T + b1
    h1 = np.maximum(z1, 0.0)
    z2 = h1 @ W2.T + b2
    h2 = np.maximum(z2, 0.0)
    out = (h2 @ W3.T + b3)[:, 0]
    margin = 1.0 - y * out
    n = len(X)
    d_out = np.where(margin > 0.0, -y, 0.0)[:, None] / n
    d_h2 = d_out @ W3 * (z2 > 0.0)
    d_h1 = d_h2 @ W2 * (z1 > 0.0)
    grads = [(d_h1.T @ X, d_h1.sum(0)), (d_h2.T @ h1, d_h2.sum(0)), (d_out.T @ h2, d_out.sum(0))]
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * (dW + 2.0 * alpha * W)
        b -= lr * (db + 2.0 * alpha * b)


def torch_moons_step(model, optimizer, X, y):
    out = model(X)[:, 0]
    params = torch.cat([p.reshape(-1) for p in model.parameters()])
    loss = torch.relu(1.0 - y * out).mean() + 1e-4 * (params * params).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def torch_copy(model):
    """A float64 torch.nn.Sequential with the model's weights (nn.to_torch)."""
    return nn.to_torch(model)


def bench_moons(repeats: int) -> None:
    X, y, model = moons_data()
    scalar = median_seconds(lambda: moons_scalar_step(model, X, y, nn.SGD(model.parameters(), lr=0.1)), 3)
    X, y, model = moons_data()
    run = CompiledTraining(model, nn.hinge, X, y, nn.SGD(model.parameters(), lr=0.1), l2=1e-4)
    compiled = median_seconds(lambda: run.step(X, y), repeats)
    params = layer_arrays(moons_data()[2])
    by_hand = median_seconds(lambda: numpy_moons_step(params, X, y), repeats)
    print(f"moons step: scalar engine {1e3 * scalar:.2f} ms, compiled {1e3 * compiled:.3f} ms, "
          f"hand-written numpy {1e3 * by_hand:.3f} ms → compiled/numpy {compiled / by_hand:.2f}× (target ≤ 2×), "
          f"compiled is {scalar / compiled:.0f}× faster than the scalar engine")
    if torch is not None:
        tmodel = torch_copy(moons_data()[2])
        topt = torch.optim.SGD(tmodel.parameters(), lr=0.1)
        tX, ty = torch.tensor(X), torch.tensor(y)
        batched = median_seconds(lambda: torch_moons_step(tmodel, topt, tX, ty), repeats)
        print(f"moons step: PyTorch batched {1e3 * batched:.3f} ms → compiled/PyTorch {compiled / batched:.2f}× "
              f"(target < 1×)")


# ----- digits --------------------------------------------------------------------------------------
def bench_digits(epochs: int) -> None:
    try:
        X, y = nn.data.load_digits()
    except ImportError as exc:
        print(f"digits: skipped ({exc})")
        return
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.2, seed=0)
    X_train, mean, std = nn.data.standardize(X_train)
    X_test = (X_test - mean) / std
    model = nn.MLP(64, [32, 10], activation="relu", init="he", seed=0)
    loss = partial(nn.sparse_categorical_cross_entropy, from_logits=True)
    started = time.perf_counter()
    history = nn.fit(model, X_train, y_train, loss=loss, optimizer=nn.Adam(model.parameters(), lr=0.01),
                     epochs=epochs, batch_size=32, seed=0, progress=False, compile=True)
    total = time.perf_counter() - started
    accuracy = float(np.mean(nn.predict(model, X_test, compile=True) == y_test))
    print(f"digits fit(compile=True): epochs {', '.join(f'{s:.3f}' for s in history.seconds)} s "
          f"(median {statistics.median(history.seconds):.3f} s, target < 0.2 s), {total:.2f} s with compiling; "
          f"test accuracy after {epochs} epochs {accuracy:.1%} (target ≥ 95%)")


# ----- MNIST-sized ---------------------------------------------------------------------------------
def mnist_like(n: int):
    rng = np.random.default_rng(0)
    X = rng.random((n, 784))
    teacher = rng.normal(size=(784, 10))
    return X, np.argmax((X - 0.5) @ teacher, axis=1)


def per_sample_loss(model):
    """Softmax cross-entropy of one sample from its 784 pixels and 10 one-hot target inputs, branch-free."""
    def f(v):
        z = model(v[:784])
        shift = autograd.Value(max(o.data for o in z))
        shifted = [o - shift for o in z]
        return autograd.sum([s.exp() for s in shifted]).log() - autograd.dot(shifted, v[784:])
    return f


def torch_epoch(model, X, y, order, batch: int) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for start in range(0, len(X), batch):
        idx = order[start:start + batch]
        optimizer.zero_grad()
        loss_fn(model(X[idx]), y[idx]).backward()
        optimizer.step()


def bench_mnist(n: int) -> None:
    X, y = mnist_like(n)
    model = nn.MLP(784, [128, 10], "relu", seed=0)
    loss = partial(nn.sparse_categorical_cross_entropy, from_logits=True)
    parameters = model.parameters()  # listing 101,770 parameters is the Module walk's cost, not compiling's
    optimizer = nn.Adam(parameters, lr=1e-3)
    started = time.perf_counter()
    CompiledTraining(model, loss, X, y, optimizer, parameters=parameters).finish()
    compile_seconds = time.perf_counter() - started
    print(f"MNIST-sized ({n} × 784, 784-128-10, {model.num_parameters()} parameters): compiling model + "
          f"per-sample loss {compile_seconds:.1f} s (target < 20 s)")
    twin = nn.to_torch(model) if torch is not None else None
    history = nn.fit(model, X, y, loss=loss, optimizer=nn.Adam(model.parameters(), lr=1e-3), epochs=1,
                     batch_size=32, seed=0, progress=False, metrics=None, compile=True)
    epoch = history.seconds[0]
    single = nn.MLP(784, [128, 10], "relu", seed=0)  # the same start, trained in float32
    history32 = nn.fit(single, X, y, loss=loss, optimizer=nn.Adam(single.parameters(), lr=1e-3), epochs=1,
                       batch_size=32, seed=0, progress=False, metrics=None, compile=True, dtype="float32")
    line = f"MNIST-sized epoch, fit(compile=True): {epoch:.2f} s (compiling not included)"
    line32 = (f"MNIST-sized epoch, fit(compile=True, dtype='float32'): {history32.seconds[0]:.2f} s, loss "
              f"{history32.loss[0]:.6f} vs {history.loss[0]:.6f} in float64")
    if twin is not None:
        tX, ty = torch.tensor(X), torch.tensor(y)
        order = torch.tensor(np.random.default_rng(0).permutation(n))
        started = time.perf_counter()
        torch_epoch(twin, tX, ty, order, 32)
        t_epoch = time.perf_counter() - started
        line += f", PyTorch {t_epoch:.2f} s → {epoch / t_epoch:.2f}× (target ≤ 2×)"
        line32 += f" → {history32.seconds[0] / t_epoch:.2f}× PyTorch float64"
    print(line)
    print(line32)
    bench_mnist_batch(model, X, y, twin)


def bench_mnist_batch(model, X, y, twin) -> None:
    started = time.perf_counter()
    prog = autograd.compile(per_sample_loss(model), 794)
    compile_seconds = time.perf_counter() - started
    batch = np.hstack([X[:32], np.eye(10)[y[:32]]])
    with_values = median_seconds(lambda: prog.backward(batch), 10)
    params = prog.parameter_array()
    arrays = median_seconds(lambda: prog.run_with_gradient(batch, params, np.full((32, 1), 1 / 32)), 20)
    floor = median_seconds(lambda: touch_values(prog.parameters), 10)
    line = (f"one batch of 32, forward + backward: prog.backward {1e3 * with_values:.2f} ms (gathering .data and "
            f"adding into .grad of {len(params)} Values), on arrays {1e3 * arrays:.2f} ms; "
            f"compiling this loss {compile_seconds:.1f} s; just reading each .data and adding 0.0 to each .grad "
            f"in Python {1e3 * floor:.2f} ms")
    if twin is not None:
        tX, ty = torch.tensor(X[:32]), torch.tensor(y[:32])
        loss_fn = torch.nn.CrossEntropyLoss()

        def torch_batch():
            twin.zero_grad()
            loss_fn(twin(tX), ty).backward()
        t_batch = median_seconds(torch_batch, 20)
        line += (f"; PyTorch {1e3 * t_batch:.2f} ms → prog.backward {with_values / t_batch:.1f}×, "
                 f"arrays {arrays / t_batch:.1f}× (target ≤ 5×), the Python floor alone {floor / t_batch:.1f}×")
    print(line)
    print(f"memory: compiled program {prog.memory_bytes(32) / 2**20:.1f} MiB for a batch of 32 (index arrays, "
          f"values, gradients), scalar graph of the same batch {scalar_graph_bytes(model, batch) / 2**20:.1f} MiB")


def touch_values(values) -> None:
    """The least any Value-level backward must do per parameter: read .data, add into .grad (here 0.0)."""
    data = [v.data for v in values]
    for v in values:
        v.grad += 0.0
    del data


def scalar_graph_bytes(model, batch: np.ndarray) -> int:
    """Peak bytes allocated while building one batch's scalar graph (per-sample losses and their sum)."""
    f = per_sample_loss(model)
    tracemalloc.start()
    graph = autograd.sum([f([autograd.Value(v) for v in row]) for row in batch.tolist()])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del graph
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6,000 MNIST-sized rows instead of 60,000")
    parser.add_argument("--repeats", type=int, default=50, help="timed moons steps (the median is printed)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch is not None else 'not installed'}; one thread, float64")
    bench_moons(args.repeats)
    bench_digits(3)
    bench_mnist(6_000 if args.quick else 60_000)


if __name__ == "__main__":
    main()
