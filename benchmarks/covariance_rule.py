"""Time one gradient step of the data rule and of the covariance rule, in the same run.

Data of the original notebook's shape (P = 50,000 examples, N = 100 inputs,
M = 10 outputs) and a network with one hidden layer of 32 units. MNIST is not
available offline; random inputs and one-hot labels stand in, since the time
of a matrix product does not depend on the values. Both rules compute the
gradients of the same loss (checked here before timing). BLAS runs on one
thread, as in graded kernels (OMP_NUM_THREADS=1): on a busy machine, several
threads made small products up to 100 times slower and the timings noisy.

Run from the course root: ``.venv/bin/python benchmarks/covariance_rule.py``.
"""

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from reference.learning_dynamics import backward, covariance_backward, forward, init_weights


def best_time(step, repeats):
    """Shortest wall-clock time of one call of ``step`` over ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    """Print the time per step of each rule and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--P", type=int, default=50_000, help="number of examples")
    parser.add_argument("--N", type=int, default=100, help="number of inputs")
    parser.add_argument("--M", type=int, default=10, help="number of outputs")
    parser.add_argument("--hidden", type=int, default=32, help="hidden units")
    parser.add_argument("--repeats", type=int, default=5, help="timed steps of the data rule")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.P, args.N))
    Y = np.eye(args.M)[rng.integers(0, args.M, args.P)]
    Wl = init_weights([args.N, args.hidden, args.M], rng)

    with threadpool_limits(limits=1, user_api="blas"):
        start = time.perf_counter()
        CXX, CYX = X.T @ X / args.P, Y.T @ X / args.P
        covariances = time.perf_counter() - start
        by_data = backward(Y, forward(X, Wl)[1], Wl)
        by_covariance = covariance_backward(Wl, CXX, CYX)
        gap = max(np.linalg.norm(a - b) / np.linalg.norm(a) for a, b in zip(by_data, by_covariance))
        data_step = best_time(lambda: backward(Y, forward(X, Wl)[1], Wl), args.repeats)
        covariance_step = best_time(lambda: covariance_backward(Wl, CXX, CYX), 20 * args.repeats)

    print(f"P = {args.P}, N = {args.N}, M = {args.M}, hidden = {args.hidden}, one BLAS thread")
    print(f"largest relative difference of the two rules' gradients: {gap:.1e}")
    print(f"data rule:       {1e3 * data_step:10.3f} ms per step")
    print(f"covariance rule: {1e3 * covariance_step:10.3f} ms per step "
          f"(plus {1e3 * covariances:.1f} ms once for CXX and CYX)")
    print(f"ratio: {data_step / covariance_step:.0f}")


if __name__ == "__main__":
    main()
