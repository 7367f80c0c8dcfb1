"""Specs of the graded functions of ``depth_vs_width``.

Deterministic functions (``get_num_params``, ``train_model``, ``compute_loss``,
``predict_width``) are compared with the reference on fresh inputs. Random ones
are judged without literals that depend on the order of the student's draws:
``initialize_layers`` by the statistics of each layer, ``make_data`` by the
statistics of ``X`` and by ``y == net(X)``, ``create_learning_problem`` by
properties of repeated calls (same seed, same data; the training set does not
depend on ``n_test``; the test set depends on ``n_train``; the teacher scales
with ``sigma_teacher``). Every exercise that calls other exercises runs with
stand-ins for them (``coursekit.spec.stand_ins``), so that it is graded on its
own: ``create_learning_problem`` (for ``initialize_layers`` and ``make_data``)
and ``width_sweep`` (``train_model``, ``compute_loss``) in
``coursekit.specs._teacher_student``, the two trained students and ``chi_1`` in
``coursekit.specs._students``.
"""


import numpy as np
import torch

from coursekit.spec import ExerciseSpec, StudentError, as_array, call, compare, seeded
from coursekit.specs._networks import close, mlp, net_of, one_number, scalar, weights_of
from coursekit.specs._students import Chi1, TrainDeepStudent, TrainQuasiLinearStudent
from coursekit.specs._teacher_student import CreateLearningProblem, PredictWidth, WidthSweep


class GetNumParams(ExerciseSpec):
    """``get_num_params(n_in, W, D)``: compared with the reference's count."""

    name = "get_num_params"
    assignment = "depth_vs_width"
    summary = ("the number of weights of make_MLP(n_in, W, D) (no biases): the input layer "
               "(n_in x W), the W x W matrices between the D - 1 hidden layers, and the output neuron.")

    def cases(self):
        sizes = [(10, 3, 2), (5, 5, 5), (7, 4, 3), (3, 11, 6), (2, 100, 20)]
        return [{"seed": 100 + i, "n_in": n_in, "W": W, "D": D} for i, (n_in, W, D) in enumerate(sizes)]

    def describe(self, case):
        return f"get_num_params({case['n_in']}, {case['W']}, {case['D']})"

    def observe(self, fn, case):
        with seeded(case["seed"]):  # counting the parameters of a fresh make_MLP draws weights
            return {"count": scalar(call(fn, case["n_in"], case["W"], case["D"]), "get_num_params's result")}

    def judge(self, observed, expected, case):
        got, want, W = observed["count"], expected["count"], case["W"]
        if one_number(got, self.name) or got == want:
            return one_number(got, self.name)
        found = f"got {got:g}, expected {want:g}"
        if got == want - W:
            return [f"{found}: the output neuron's {W} weights are missing."]
        if got in (want + W * W, want + W * W - W):
            return [f"{found}: one W x W matrix too many; depth D has D - 1 hidden layers, so D - 2 "
                    "matrices connect them."]
        return [f"{found}: count the weights of every nn.Linear of make_MLP(n_in, W, D)."]


class InitializeLayers(ExerciseSpec):
    """``initialize_layers(net, sigma)``: judged by the statistics of every layer's weights."""

    name = "initialize_layers"
    assignment = "depth_vs_width"
    summary = ("in place, every weight matrix of shape (n_out, n_in) drawn from a normal distribution "
               "with mean 0 and standard deviation sigma / sqrt(n_in), n_in = param.shape[1].")

    def cases(self):
        return [{"seed": 11, "n_in": 400, "W": 250, "D": 3, "sigma": 2.0},
                {"seed": 12, "n_in": 30, "W": 200, "D": 4, "sigma": 0.5}]

    def describe(self, case):
        return f"initialize_layers(make_MLP({case['n_in']}, {case['W']}, {case['D']}), sigma={case['sigma']})"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            net = mlp(case["n_in"], case["W"], case["D"])
            before = weights_of(net)
            call(fn, net, case["sigma"])
        observed = {f"weight{i}": w for i, w in enumerate(weights_of(net))}
        observed.update({f"changed{i}": np.array(float(b.shape != a.shape or not np.array_equal(b, a)))
                         for i, (b, a) in enumerate(zip(before, weights_of(net)))})
        return observed

    def judge(self, observed, expected, case):
        found = []
        for i in range(case["D"]):
            w, (n_out, n_in) = observed[f"weight{i}"], expected[f"weight{i}"].shape
            layer = f"layer {i + 1} (n_in={n_in}, n_out={n_out})"
            if w.shape != (n_out, n_in):
                found.append(f"{layer}: the weight has shape {w.shape}, expected {(n_out, n_in)}.")
            elif not observed[f"changed{i}"]:
                found.append(f"{layer}: the weights did not change; initialize_layers must change the "
                             "network's own weights in place (for example with nn.init.normal_).")
            else:
                found += [f"{layer}: {problem}" for problem in self.statistics(w, case["sigma"], n_in, n_out)]
        return found

    @staticmethod
    def statistics(w, sigma, n_in, n_out):
        """What is wrong with the statistics of one layer's weights ``w``."""
        target, std, mean, n = sigma / np.sqrt(n_in), w.std(), w.mean(), w.size
        tolerance = max(5 / np.sqrt(2 * n), 0.01)  # 5 standard errors of a sample std
        found = []
        if abs(std / target - 1) > tolerance:
            message = f"the weights have std {std:.4g}, expected sigma / sqrt(n_in) = {target:.4g}"
            if n_in != n_out and abs(std / (sigma / np.sqrt(n_out)) - 1) <= tolerance:
                message += "; this is sigma / sqrt(n_out): a weight has shape (n_out, n_in)"
            elif sigma != 1 and abs(std / (sigma**2 / np.sqrt(n_in)) - 1) <= tolerance:
                message += "; sigma is the scale, not the variance"
            found.append(message + ".")
        if abs(mean) > 6 * target / np.sqrt(n):
            found.append(f"the weights have mean {mean:.3g}, expected 0.")
        kurtosis = np.mean((w - mean) ** 4) / max(std, 1e-300) ** 4
        if n >= 10000 and abs(kurtosis - 3) > max(5 * np.sqrt(24 / n), 0.1):
            found.append(f"the weights are not normally distributed (kurtosis {kurtosis:.2f}; a normal "
                         "distribution has 3, a uniform one 1.8).")
        return found


class MakeData(ExerciseSpec):
    """``make_data(net, n_in, n_examples)``: statistics of X, and y is net(X), detached."""

    name = "make_data"
    assignment = "depth_vs_width"
    summary = ("X of shape (n_examples, n_in) with independent N(0, 1) entries (torch.randn), and "
               "y = net(X) detached from the graph (shape (n_examples, 1)).")

    def cases(self):
        return [{"seed": 21, "n_in": 6, "W": 8, "D": 3, "n_examples": 20000},
                {"seed": 22, "n_in": 3, "W": 5, "D": 4, "n_examples": 3000}]

    def describe(self, case):
        n_in, W, D = case["n_in"], case["W"], case["D"]
        return f"make_data(make_MLP({n_in}, {W}, {D}), {n_in}, {case['n_examples']})"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            net = mlp(case["n_in"], case["W"], case["D"])
            result = call(fn, net, case["n_in"], case["n_examples"])
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise StudentError(f"make_data should return a tuple (X, y), not {type(result).__name__}.")
        X, y = result
        attached = isinstance(y, torch.Tensor) and (y.requires_grad or y.grad_fn is not None)
        return {"X": as_array(X, "X"), "y": as_array(y, "y"), "net_of_X": net_of(net, X, "X"),
                "attached": np.array(float(attached))}

    def judge(self, observed, expected, case):
        X, y = observed["X"], observed["y"]
        found = [f"{label} has shape {observed[label].shape}, expected {expected[label].shape}."
                 for label in ("X", "y") if observed[label].shape != expected[label].shape]
        if found:
            return found
        n, mean, std = X.size, X.mean(), X.std()
        kurtosis = np.mean((X - mean) ** 4) / max(std, 1e-300) ** 4
        z_scores = abs(mean) * np.sqrt(n), abs(std - 1) * np.sqrt(2 * n), abs(kurtosis - 3) * np.sqrt(n / 24)
        if max(z_scores) > 5:
            found.append(f"X has mean {mean:.3g}, std {std:.3g} and kurtosis {kurtosis:.2f}; a standard "
                         "normal distribution (torch.randn) has 0, 1 and 3.")
        correlations = np.corrcoef(X.T)[~np.eye(X.shape[1], dtype=bool)]
        if np.nanmax(np.abs(correlations)) > 5 / np.sqrt(X.shape[0]):
            found.append("the columns of X are correlated: draw every entry independently.")
        problem = compare("y", y, observed["net_of_X"], rtol=1e-5, atol=1e-6)
        if problem:
            found.append(problem + " y should be the network's output on X, net(X).")
        if observed["attached"]:
            found.append("y is still attached to the graph of the network (y.requires_grad is True): "
                         "return net(X).detach(), or compute it under torch.no_grad().")
        return found


def regression_data(case):
    """Inputs, targets and a fresh network for ``train_model`` and ``compute_loss`` cases."""
    X = torch.randn(case["n"], case["n_in"])
    y = torch.sin(2 * X[:, :1] - X[:, -1:]) + 0.1 * torch.randn(case["n"], 1)
    return X, y, mlp(case["n_in"], case["W"], case["D"])


def describe_training(name, case, extra=""):
    """A call of ``train_model`` or ``compute_loss`` in words."""
    return f"{name}(make_MLP({case['n_in']}, {case['W']}, {case['D']}), X ({case['n']} examples), y{extra})"


class TrainModel(ExerciseSpec):
    """``train_model``: loss curve and final weights compared with the reference's."""

    name = "train_model"
    assignment = "depth_vs_width"
    summary = ("full-batch training of net, in place, with torch.optim.Adam(net.parameters(), lr=lr) on the "
               "mean squared error (nn.MSELoss()); every epoch: zero_grad, loss of net(X) against y, "
               "backward, step; Es[n] is the loss of epoch n (before its step).")

    def cases(self):
        return [{"seed": 31, "n_in": 5, "W": 8, "D": 2, "n": 300, "n_epochs": 40, "lr": 0.01},
                {"seed": 32, "n_in": 3, "W": 6, "D": 4, "n": 200, "n_epochs": 25, "lr": 0.005}]

    def describe(self, case):
        return describe_training(self.name, case, f", n_epochs={case['n_epochs']}, lr={case['lr']}")

    def observe(self, fn, case):
        with seeded(case["seed"]):
            X, y, net = regression_data(case)
            Es = call(fn, net, X, y, case["n_epochs"], case["lr"], progressbar=False)
        observed = {f"weight{i}": w for i, w in enumerate(weights_of(net))}
        observed["Es"] = as_array(Es, "Es").reshape(-1)
        return observed

    def judge(self, observed, expected, case):
        Es, want = observed["Es"], expected["Es"]
        if Es.shape != want.shape:
            return [f"Es has {Es.size} entries, expected one loss per epoch: shape {want.shape}."]
        if not np.all(np.isfinite(Es)):
            return ["Es contains NaN or infinite values."]
        if not close(Es, want, 1e-4):
            return [self.diagnose(Es, want, case)]
        for i in range(case["D"]):
            problem = compare(f"the weights of layer {i + 1} after training", observed[f"weight{i}"],
                              expected[f"weight{i}"], rtol=1e-3, atol=1e-5)
            if problem:
                return [problem + " train_model must train the network it is given, in place."]
        return []

    @staticmethod
    def diagnose(Es, want, case):
        """Name the likely mistake from where the loss curve leaves the reference's."""
        first = next(i for i in range(len(Es)) if not close(Es[i], want[i], 1e-4))
        shown = f"Es[{first}] is {Es[first]:.6g}, expected {want[first]:.6g}"
        if first == 0 and close(Es[0], want[0] * case["n"], 1e-4):
            return f"{shown}: the loss is summed over the examples; use the mean (nn.MSELoss())."
        if first == 0:
            return f"{shown}: Es[n] should be the mean squared error of net(X) against y before step n."
        if close(Es, Es[0], 1e-7):
            return (f"{shown}: the loss never changes, so the weights do not move: every epoch, "
                    "optimizer.zero_grad(), loss.backward(), then optimizer.step().")
        if first >= 2:
            return (f"{shown}: the first step is right and later ones are not, as when gradients "
                    "accumulate over epochs: call optimizer.zero_grad() every epoch.")
        return (f"{shown}: the first step does not follow full-batch Adam; use "
                f"torch.optim.Adam(net.parameters(), lr=lr) with lr={case['lr']} on all of X each epoch.")


class ComputeLoss(ExerciseSpec):
    """``compute_loss(net, X, y)``: compared with the reference's mean squared error."""

    name = "compute_loss"
    assignment = "depth_vs_width"
    summary = "the mean squared error of net(X) against y, as a float (nn.MSELoss())."

    def cases(self):
        return [{"seed": 41, "n_in": 4, "W": 6, "D": 3, "n": 500},
                {"seed": 42, "n_in": 2, "W": 3, "D": 2, "n": 50}]

    def describe(self, case):
        return describe_training(self.name, case)

    def observe(self, fn, case):
        with seeded(case["seed"]):
            X, y, net = regression_data(case)
            return {"loss": scalar(call(fn, net, X, y), "compute_loss's result")}

    def judge(self, observed, expected, case):
        got, want = observed["loss"], expected["loss"]
        if one_number(got, self.name) or close(got, want, 1e-5):
            return one_number(got, self.name)
        shown = f"the loss is {got:.6g}, expected {want:.6g}"
        if close(got, want * case["n"], 1e-5):
            return [f"{shown}: it is summed over the examples; use the mean (nn.MSELoss())."]
        if close(got, np.sqrt(want), 1e-5):
            return [f"{shown}: that is the root of the mean squared error; do not take the square root."]
        return [f"{shown}: compute the mean squared error of net(X) against y."]


SPECS = [GetNumParams(), InitializeLayers(), MakeData(), TrainModel(), ComputeLoss(), CreateLearningProblem(),
         TrainDeepStudent(), WidthSweep(), PredictWidth(), TrainQuasiLinearStudent(), Chi1()]
