"""Submitted without writing anything: every exercise still raises NotImplementedError and every
written answer still says YOUR ANSWER HERE."""

START = "release"
EXPECTED = {"test_make_deep_model": 0, "test_weight_grad_norms": 0, "test_better_init": 0}
