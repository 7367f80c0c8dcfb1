"""Submitted without writing anything: every exercise still raises NotImplementedError."""

START = "release"
EXPECTED = {"test_get_num_params": 0, "test_initialize_layers": 0, "test_make_data": 0, "test_train_model": 0,
            "test_compute_loss": 0, "test_create_learning_problem": 0, "test_train_deep_student": 0,
            "test_width_sweep": 0, "test_predict_width": 0, "test_train_quasi_linear_student": 0,
            "test_chi_1": 0}
