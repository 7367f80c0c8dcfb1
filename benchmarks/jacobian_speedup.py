"""Time the local linearization of ``initialization``: loop of backward passes vs ``torch.func``.

The seed computes the Jacobian of the network's outputs on the training inputs
with respect to its parameters with one backward pass per input
(``linearization_features_loop``); the notebook's figures use the batched
Jacobian of ``torch.func.vmap(torch.func.jacrev(...))`` (``linearization_features``).
This script times both in the same run, checks that they agree, times the SVD
that follows (NumPy for the loop version, ``torch.linalg.svd`` for the batched
one), and prints the speed-ups. Each time is the best of ``--repeats`` runs.

Usage: ``python benchmarks/jacobian_speedup.py [--inputs 1500] [--repeats 3] [--threads 1]``
"""

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import reference.initialization as ref


def best_time(fn, repeats):
    """Run ``fn`` ``repeats`` times; return the shortest wall time in seconds and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def deep_model():
    """The notebook's 4-hidden-layer model with ``better_init`` and random biases (seeded)."""
    torch.manual_seed(600)
    model = ref.make_deep_model().apply(ref.better_init)
    with torch.no_grad():
        for module in model:
            if isinstance(module, torch.nn.Linear):
                module.bias.normal_(0.0, 0.1)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=ref.TRAIN_N, help="number of training inputs")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (best is kept)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of torch and of NumPy's BLAS (graded kernels run with 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with threadpool_limits(limits=args.threads):
        run(args)


def run(args):
    """Time and compare the two ways on ``args.inputs`` training inputs."""
    model, inputs = deep_model(), ref.train_x[:args.inputs]
    m = sum(p.numel() for p in model.parameters())
    print(f"local linearization of make_deep_model(): {len(inputs)} inputs x {m} parameters "
          f"(torch {torch.__version__}, {torch.get_num_threads()} thread(s), best of {args.repeats})")

    start = time.perf_counter()
    ref.linearization_features(model, inputs[:2])
    first_call = time.perf_counter() - start
    loop_s, loop_jac = best_time(lambda: ref.linearization_features_loop(model, inputs), args.repeats)
    batched_s, batched_jac = best_time(lambda: ref.linearization_features(model, inputs), args.repeats)
    np.testing.assert_allclose(batched_jac, loop_jac, rtol=1e-4, atol=1e-6 * np.abs(loop_jac).max())
    print("Jacobian (the two agree to float precision):")
    print(f"  loop of backward passes       {loop_s:9.3f} s")
    print(f"  torch.func vmap(jacrev)       {batched_s:9.3f} s   speed-up {loop_s / batched_s:6.1f}x")
    print(f"  first torch.func call         {first_call:9.3f} s   (once per process: imports torch._dynamo)")

    numpy_s, _ = best_time(lambda: np.linalg.svd(loop_jac, full_matrices=False), args.repeats)
    features = torch.from_numpy(batched_jac)
    torch_s, _ = best_time(lambda: torch.linalg.svd(features, full_matrices=False), args.repeats)
    print("SVD of the Jacobian:")
    print(f"  numpy.linalg.svd              {numpy_s:9.3f} s")
    print(f"  torch.linalg.svd              {torch_s:9.3f} s   speed-up {numpy_s / torch_s:6.1f}x")

    whole_loop, _ = best_time(lambda: ref.svd_local_linearization(model, inputs), args.repeats)
    whole_batched, _ = best_time(lambda: ref.svd_local_linearization_batched(model, inputs), args.repeats)
    print("Whole function (Jacobian + SVD):")
    ratio = whole_loop / whole_batched
    print(f"  svd_local_linearization       {whole_loop:9.3f} s")
    print(f"  svd_local_linearization_batched {whole_batched:7.3f} s   speed-up {ratio:6.1f}x")


if __name__ == "__main__":
    main()
