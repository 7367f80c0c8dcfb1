"""Calibrated cell time limits: ``max(floor, factor x reference time)``, never above nbgrader's timeout."""

import math

from coursekit.grading.coordinator import calibration
from coursekit.grading.outcome import CellLimits

LIMITS = CellLimits(reference={"test_net_rsm": 0.02, "demo_training": 1.5, "demo_compare_weights": 20.0},
                    floor=5.0, factor=20.0, timeout=300.0)


def test_a_fast_cell_gets_the_floor():
    assert LIMITS.limit("test_net_rsm") == 5.0
    assert "5 s floor" in LIMITS.explain("test_net_rsm")


def test_a_long_cell_gets_factor_times_its_reference():
    assert LIMITS.limit("demo_training") == 30.0
    assert LIMITS.explain("demo_training").startswith("ran 20x longer than the reference solution (30 s")


def test_no_limit_exceeds_nbgraders_timeout():
    assert LIMITS.limit("demo_compare_weights") == 300.0
    assert "nbgrader's timeout" in LIMITS.explain("demo_compare_weights")


def test_a_cell_the_reference_lacks_gets_the_longest_cells_limit():
    assert LIMITS.limit(None) == LIMITS.limit("a_cell_the_student_added") == 300.0
    unbounded = CellLimits(reference={}, floor=5.0, factor=20.0, timeout=math.inf)
    assert unbounded.limit(None) == math.inf


def test_the_cache_keeps_each_measurement_under_its_key(tmp_path):
    path = tmp_path / "deep_linear_networks.json"
    calibration.write_cache(path, "v1:secure", {"test_net_rsm": 0.02})
    calibration.write_cache(path, "v1:in-kernel", {"test_net_rsm": 0.05})
    cached = calibration.read_cache(path)
    assert cached["v1:secure"]["seconds"] == {"test_net_rsm": 0.02}
    assert cached["v1:in-kernel"]["seconds"] == {"test_net_rsm": 0.05}
    path.write_text("{broken")
    assert calibration.read_cache(path) == {}
