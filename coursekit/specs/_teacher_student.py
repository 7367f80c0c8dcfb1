"""Specs of the teacher-student exercises of ``depth_vs_width``.

The learning problem, the width sweep and the width prediction;
``coursekit.specs.depth_vs_width`` lists them in its ``SPECS``.
"""

import math

import numpy as np
import torch
from torch import nn

from coursekit.spec import ExerciseSpec, StudentError, as_array, call, compare, seeded, stand_ins
from coursekit.specs._networks import close, net_of, one_number, scalar, weights_of


class ProblemStandIns:
    """Stand-ins for ``initialize_layers`` and ``make_data`` while ``create_learning_problem`` is observed.

    They draw from PyTorch's global generator, as the exercises do, so that the
    seed and the order of the draws still show in the data; but from uniform
    distributions, so that they are not the exercises' solutions. The weights
    scale with sigma, and y is the network's output on X, detached.
    """

    @staticmethod
    def initialize_layers(net, sigma):
        with torch.no_grad():
            for weight in net.parameters():
                weight.uniform_(-1.0, 1.0).mul_(float(sigma) / math.sqrt(weight.shape[1]))

    @staticmethod
    def make_data(net, n_in, n_examples):
        X = 2 * torch.rand(int(n_examples), int(n_in)) - 1
        with torch.no_grad():
            return X, net(X)

    def stand_ins(self):
        """The stand-ins, by the names of the exercises they replace."""
        return {"initialize_layers": self.initialize_layers, "make_data": self.make_data}


class CreateLearningProblem(ExerciseSpec):
    """``create_learning_problem``: judged by properties of repeated calls, not by literals.

    It runs with stand-ins for ``initialize_layers`` and ``make_data`` (``ProblemStandIns``),
    so that a mistake in those costs their own points only.
    """

    name = "create_learning_problem"
    assignment = "depth_vs_width"
    summary = ("torch.manual_seed(seed); teacher = make_MLP(n_in, width, depth) initialized with "
               "initialize_layers(teacher, sigma_teacher); then the training set, then the test set, "
               "both from make_data(teacher, n_in, ...).")
    sizes = ("n_in", "width", "depth", "n_train", "n_test")

    def cases(self):
        return [{"seed": 51, "sigma_teacher": 1.5, "n_in": 3, "width": 6, "depth": 4, "n_train": 200,
                 "n_test": 80, "problem_seed": 7},
                {"seed": 52, "sigma_teacher": 2.0}]

    def describe(self, case):
        if "n_in" not in case:
            return f"create_learning_problem({case['sigma_teacher']}) (the default sizes)"
        sizes = ", ".join(f"{key}={case[key]}" for key in self.sizes)
        return f"create_learning_problem({case['sigma_teacher']}, {sizes}, seed={case['problem_seed']})"

    def problem(self, fn, case, **changes):
        """Call ``fn`` with the case's arguments, some changed; return its results as arrays."""
        kwargs = {key: case[key] for key in self.sizes if key in case}
        kwargs.update({"seed": case["problem_seed"]} if "problem_seed" in case else {}, **changes)
        result = call(fn, kwargs.pop("sigma_teacher", case["sigma_teacher"]), **kwargs)
        if not isinstance(result, (tuple, list)) or len(result) != 5:
            raise StudentError("it should return (teacher, X_train, y_train, X_test, y_test).")
        if not isinstance(result[0], nn.Module):
            raise StudentError(f"the teacher should be an nn.Module, not {type(result[0]).__name__}.")
        names = ["X_train", "y_train", "X_test", "y_test"]
        arrays = {name: as_array(value, name) for name, value in zip(names, result[1:])}
        arrays["teacher_y_train"] = net_of(result[0], result[1], "X_train")
        arrays["teacher_y_test"] = net_of(result[0], result[3], "X_test")
        arrays.update({f"weight{i}": w for i, w in enumerate(weights_of(result[0]))})
        return arrays

    def observe(self, fn, case):
        with seeded(case["seed"]), stand_ins(fn, ProblemStandIns().stand_ins()):
            observed = self.problem(fn, case)
            if "n_in" not in case:
                return observed
            again = self.problem(fn, case)
            more_test = self.problem(fn, case, n_test=case["n_test"] + 13)
            more_train = self.problem(fn, case, n_train=case["n_train"] + 17)
            other_seed = self.problem(fn, case, seed=case["problem_seed"] + 1)
            doubled = self.problem(fn, case, sigma_teacher=2 * case["sigma_teacher"])
        observed.update({"X_train_again": again["X_train"], "X_test_again": again["X_test"],
                         "X_train_more_test": more_test["X_train"], "X_test_more_train": more_train["X_test"],
                         "X_train_other_seed": other_seed["X_train"], "X_train_doubled": doubled["X_train"]})
        observed.update({f"{key}_doubled": w for key, w in doubled.items() if key.startswith("weight")})
        return observed

    def judge(self, observed, expected, case):
        found = [f"{label} has shape {observed[label].shape}, expected {expected[label].shape}."
                 for label in ("X_train", "y_train", "X_test", "y_test")
                 if observed[label].shape != expected[label].shape]
        layers = [key for key in observed if key.startswith("weight") and key[6:].isdigit()]
        shapes = [observed[key].shape for key in layers]
        wanted = [expected[key].shape for key in expected if key.startswith("weight") and key[6:].isdigit()]
        if shapes != wanted:
            found.append(f"the teacher's weights have shapes {shapes}, expected {wanted}: "
                         "the teacher is make_MLP(n_in, width, depth).")
        if found:
            return found
        for data in ("train", "test"):
            y, teacher_y = observed[f"y_{data}"], observed[f"teacher_y_{data}"]
            problem = compare(f"y_{data}", y, teacher_y, rtol=1e-5, atol=1e-6)
            if problem:
                found.append(f"{problem} y_{data} should be the teacher's outputs on X_{data}.")
        if "n_in" not in case:
            return found

        def same(a, b):
            return np.array_equal(observed[a], observed[b])

        if not (same("X_train", "X_train_again") and same("X_test", "X_test_again")):
            found.append("the same seed gave different data: start with torch.manual_seed(seed).")
        elif same("X_train", "X_train_other_seed"):
            found.append("the data does not depend on the argument seed: start with torch.manual_seed(seed).")
        if not same("X_train", "X_train_more_test"):
            found.append("the training set changed when only n_test changed: draw the training set first, "
                         "then the test set.")
        elif same("X_test", "X_test_more_train"):
            found.append("the test set did not change when n_train changed: draw it right after the training "
                         "set, from the same random stream.")
        if not same("X_train", "X_train_doubled") or not all(
                close(observed[f"{key}_doubled"], 2 * observed[key], 1e-5) for key in layers):
            found.append("doubling sigma_teacher should double the teacher's weights and leave the inputs "
                         "alone: initialize the teacher with initialize_layers(teacher, sigma_teacher).")
        return found


class SweepRecorder:
    """Stand-ins for ``train_model`` and ``compute_loss`` that record how they are called.

    They return made-up errors that depend on the student network's width, so that
    ``width_sweep`` is judged on what it does itself.
    """

    def __init__(self, *data):
        self.data, self.trained, self.measured, self.nets = data, [], [], []

    def is_(self, value, index):
        """1.0 if ``value`` is the ``index``-th of X_train, y_train, X_test, y_test (or equal to it)."""
        data = self.data[index]
        return float(value is data or isinstance(value, torch.Tensor) and value.shape == data.shape
                     and torch.equal(value, data))

    def train_model(self, net, X, y, n_epochs, lr, progressbar=True):
        shapes = [tuple(p.shape) for p in net.parameters()]
        self.trained.append([shapes[0][0], shapes[0][1], len(shapes), shapes[-1][0], n_epochs, lr,
                             self.is_(X, 0), self.is_(y, 1)])
        self.nets.append(net)
        return np.linspace(1.0, 0.1, int(n_epochs)) * shapes[0][0]

    def compute_loss(self, net, X, y):
        trained = any(net is made for made in self.nets)
        width = next(net.parameters()).shape[0]
        self.measured.append([width, float(trained), self.is_(X, 2), self.is_(y, 3)])
        return 0.25 * width


class WidthSweep(ExerciseSpec):
    """``width_sweep``: its calls of ``train_model`` and ``compute_loss``, and its relative errors."""

    name = "width_sweep"
    assignment = "depth_vs_width"
    summary = ("for each width: student = make_MLP(n_in, width, 2), trained with "
               "train_model(student, X_train, y_train, n_epochs, lr, ...) and measured with "
               "compute_loss(student, X_test, y_test); both errors divided by y_test.var(), listed in the "
               "order of widths.")

    def cases(self):
        return [{"seed": 61, "n_in": 4, "n_train": 150, "n_test": 400, "widths": [3, 8, 5], "n_epochs": 7,
                 "lr": 0.02}]

    def describe(self, case):
        return (f"width_sweep(X_train, y_train, X_test, y_test, widths={case['widths']}, "
                f"n_epochs={case['n_epochs']}, lr={case['lr']})")

    def observe(self, fn, case):
        with seeded(case["seed"]):
            X_train, y_train = torch.randn(case["n_train"], case["n_in"]), 3 * torch.randn(case["n_train"], 1)
            X_test, y_test = torch.randn(case["n_test"], case["n_in"]), 1 + torch.randn(case["n_test"], 1) / 2
            recorder = SweepRecorder(X_train, y_train, X_test, y_test)
            with stand_ins(fn, {"train_model": recorder.train_model, "compute_loss": recorder.compute_loss}):
                widths = np.array(case["widths"])
                result = call(fn, X_train, y_train, X_test, y_test, widths, case["n_epochs"], case["lr"])
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise StudentError("width_sweep should return a tuple (train_errors, test_errors).")
        return {"train_errors": as_array(result[0], "train_errors"),
                "test_errors": as_array(result[1], "test_errors"),
                "trained": np.array(recorder.trained, dtype=np.float64).reshape(-1, 8),
                "measured": np.array(recorder.measured, dtype=np.float64).reshape(-1, 4),
                "variances": np.array([float(y_train.var()), float(y_test.var())])}

    def judge(self, observed, expected, case):
        trained, measured, widths = observed["trained"], observed["measured"], case["widths"]
        if not len(trained) or not len(measured):
            return ["width_sweep should train every student with train_model and measure its test error with "
                    "compute_loss (the functions you wrote above)."]
        found = []
        trained_widths = [int(w) for w in trained[:, 0]]
        if sorted(trained_widths) != sorted(widths):  # in any order: the errors are filed by width
            found.append(f"it trained students of widths {trained_widths}, expected {widths}: one student "
                         "per width.")
        elif np.any(trained[:, [1, 2, 3]] != [case["n_in"], 2, 1]):
            found.append("each student should be make_MLP(n_in, width, 2): one hidden layer, n_in inputs "
                         "(X_train.shape[1]) and one output.")
        if np.any(trained[:, 4] != case["n_epochs"]) or not close(trained[:, 5], case["lr"], 1e-12):
            found.append("pass n_epochs and lr on to train_model.")
        if not np.all(trained[:, 6:8]):
            found.append("train on the training set: train_model(student, X_train, y_train, ...).")
        on_test = measured[np.all(measured[:, 1:4] == 1, axis=1)]
        if sorted(int(w) for w in on_test[:, 0]) != sorted(widths):
            found.append("measure each student after training it, on the test set: "
                         "compute_loss(student, X_test, y_test).")
        var_train, var_test = observed["variances"]
        for label in ("train_errors", "test_errors"):
            got, want = observed[label], expected[label]
            if got.shape != want.shape:
                found.append(f"{label} has shape {got.shape}, expected {want.shape}.")
            if found or close(got, want, 1e-2):  # np.var's ddof=0 passes too
                continue
            hint = "they should be train_model's losses (compute_loss's loss) divided by y_test.var()."
            if close(got, want * var_test, 1e-2):
                hint = "They are not divided by the variance of y_test."
            elif close(got, want * var_test / var_train, 1e-2):
                hint = "They are divided by the variance of y_train, not of y_test."
            found.append(f"{compare(label, got, want, rtol=1e-2, atol=0)} {hint[0].upper()}{hint[1:]}")
        return found


def power_law(case):
    """Widths and noisy test errors that fall as a power of width."""
    rng = np.random.default_rng(case["seed"])
    widths = np.array(case["widths"])
    return widths, case["scale"] * widths ** case["slope"] * np.exp(0.1 * rng.standard_normal(len(widths)))


class PredictWidth(ExerciseSpec):
    """``predict_width``: compared with the reference's log-log extrapolation."""

    name = "predict_width"
    assignment = "depth_vs_width"
    summary = ("fit log(test_errors) = m log(widths) + b (np.polyfit, degree 1) and return the width "
               "at which the line reaches error_target: exp((log(error_target) - b) / m).")

    def cases(self):
        return [{"seed": 71, "widths": [5, 15, 45, 135], "scale": 0.3, "slope": -0.45, "target": 1e-6},
                {"seed": 72, "widths": [4, 8, 16, 32, 64], "scale": 2.0, "slope": -1.2, "target": 1e-3}]

    def describe(self, case):
        return f"predict_width(widths={case['widths']}, test_errors, error_target={case['target']:g})"

    def observe(self, fn, case):
        return {"width": scalar(call(fn, *power_law(case), case["target"]), "predict_width's result")}

    def judge(self, observed, expected, case):
        got, want = observed["width"], expected["width"]
        if one_number(got, self.name) or close(got, want, 1e-6):
            return one_number(got, self.name)
        shown = f"the predicted width is {got:.6g}, expected {want:.6g}"
        widths, errors = power_law(case)
        m, b = np.polyfit(widths, np.log(errors), 1)
        if close(got, (np.log(case["target"]) - b) / m, 1e-4):
            return [f"{shown}: this fits log(error) against the width itself (semi-log); the power law is a "
                    "line on log-log axes: fit log(test_errors) against log(widths)."]
        if close(got, np.log(want), 1e-4) or close(got, np.log10(want), 1e-4):
            return [f"{shown}: this is the logarithm of the width; undo the logarithm you fitted with."]
        return [f"{shown}: fit log(test_errors) against log(widths) and solve the line for error_target, "
                "with the same logarithm throughout."]
