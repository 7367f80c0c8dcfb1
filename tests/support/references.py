"""Helpers of the reference-solution tests: one thread for tiny tensors, seeded initialization."""

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Run single-threaded: these tensors are tiny, and on a busy machine idle worker threads
    waiting for a core made the same tests up to 40 times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(threads)


def initialized(model, init, seed):
    """Seed NumPy and torch, then apply ``init`` to every module of ``model`` (the seed's order)."""
    np.random.seed(seed)
    torch.manual_seed(seed)
    return model.apply(init)
