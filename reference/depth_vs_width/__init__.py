"""Reference implementation of the assignment ``depth_vs_width``.

Neuromatch NeuroAI W2D1 Tutorial 1, "Depth vs width": shallow students of
growing width fit a random deep tanh teacher. At weight scale sigma = 2 the
teacher is chaotic and hard to fit; at sigma = 0.4 it is quasi-linear and easy
(Poole et al. 2016, exponential expressivity through transient chaos).

Graded: ``get_num_params``, ``initialize_layers``, ``make_data``,
``train_model``, ``compute_loss``, ``create_learning_problem``,
``train_deep_student``, ``width_sweep``, ``predict_width``,
``train_quasi_linear_student`` and ``chi_1``. The rest is given code, shown to
students as it is. Bodies are copied into the notebook by ``coursekit sync``:
they use only its names.

The seed's networks and the teacher-student set-up are in ``teacher_student``,
the two trained students in ``students``, the order-to-chaos transition in
``chaos`` and the plots in ``plots``; every name is importable from this package.
"""

from reference.depth_vs_width.chaos import chi_1, fixed_point_length, gaussian_expectation
from reference.depth_vs_width.plots import (
    expressivity_visualization,
    plot_loss,
    plot_loss_as_function_of_width,
    plot_order_to_chaos,
    plot_students_predictions_vs_teacher_values,
)
from reference.depth_vs_width.students import train_deep_student, train_quasi_linear_student
from reference.depth_vs_width.teacher_student import (
    call_with_stand_ins,
    compute_loss,
    create_learning_problem,
    generate_trajectories,
    get_num_params,
    initialize_layers,
    make_data,
    make_MLP,
    predict_width,
    set_seed,
    train_model,
    width_sweep,
)

__all__ = [
    "call_with_stand_ins", "chi_1", "compute_loss", "create_learning_problem", "expressivity_visualization",
    "fixed_point_length", "gaussian_expectation", "generate_trajectories", "get_num_params",
    "initialize_layers", "make_MLP", "make_data", "plot_loss", "plot_loss_as_function_of_width",
    "plot_order_to_chaos", "plot_students_predictions_vs_teacher_values", "predict_width", "set_seed",
    "train_deep_student", "train_model", "train_quasi_linear_student", "width_sweep",
]
