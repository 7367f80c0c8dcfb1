"""Submitted without writing anything: every exercise still raises NotImplementedError."""

START = "release"
EXPECTED = {"test_forward": 0, "test_loss": 0, "test_backward": 0, "test_update": 0, "test_accuracy": 0,
            "test_covariance_backward": 0}
