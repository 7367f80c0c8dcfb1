"""Submitted without writing anything: every exercise still raises NotImplementedError."""

START = "release"
EXPECTED = {"test_initializer_": 0, "test_net_svd": 0, "test_net_rsm": 0, "test_linear_regression": 0}
