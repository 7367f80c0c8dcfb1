"""Specs of the trained students and of the order-to-chaos exercise of ``depth_vs_width``.

``train_deep_student`` and ``train_quasi_linear_student`` are graded by what they
achieve on a small teacher-student problem built here, and by how they train:
they run with stand-ins for ``make_MLP``, ``initialize_layers`` and ``train_model``
that keep the notebook's contracts without being their solutions (uniform weights
of the right scale, AMSGrad instead of Adam; the student's own ``initialize_layers``
and ``train_model`` are graded elsewhere, so a mistake there costs nothing here) and
draw every initial weight from a generator seeded by the case, so that a correct
function gets the same student whatever else it draws. ``chi_1`` is compared with
the reference for weight scales on both sides of the boundary sigma_w = 1.
"""

import math

import numpy as np
import torch
from torch import nn

from coursekit.spec import ExerciseSpec, StudentError, as_array, call, compare, seeded, stand_ins
from coursekit.specs._networks import close, mlp, scalar


def teacher_problem(seed, n_in, width, depth, sigma, n_examples):
    """A random tanh teacher of scale ``sigma`` and a training and a test set it labels."""
    generator = torch.Generator().manual_seed(seed)
    teacher = mlp(n_in, width, depth)
    with torch.no_grad():
        for weight in teacher.parameters():
            weight.normal_(0.0, sigma / math.sqrt(weight.shape[1]), generator=generator)
        sets = []
        for _ in range(2):
            X = torch.randn(n_examples, n_in, generator=generator)
            sets += [X, teacher(X)]
    return sets


def adam_losses(net, X, y, n_epochs, lr):
    """Full-batch training on the mean squared error; the loss per epoch.

    Like the notebook's train_model but with AMSGrad's variant of Adam: it trains as
    well, and it is not train_model's solution (its losses are not Adam's).
    """
    optimizer = torch.optim.Adam(net.parameters(), lr=lr, amsgrad=True)
    losses = np.zeros(n_epochs)
    for epoch in range(n_epochs):
        loss = nn.functional.mse_loss(net(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses[epoch] = float(loss.detach())
    return losses


class TrainingRecorder:
    """Stand-ins for make_MLP, initialize_layers and train_model that record every call in order."""

    def __init__(self, X_train, y_train, seed):
        self.X_train, self.y_train = X_train, y_train
        self.generator = torch.Generator().manual_seed(seed)
        self.nets, self.events, self.losses = [], [], []

    def index(self, net):
        """Which of the networks made by make_MLP ``net`` is (-1 if none)."""
        return next((i for i, made in enumerate(self.nets) if made is net), -1)

    def make_MLP(self, n_in, W, D, nonlin="tanh"):
        """make_MLP with PyTorch's default initial weights, drawn from the recorder's generator."""
        net = mlp(n_in, W, D)
        with torch.no_grad():
            for weight in net.parameters():
                bound = 1 / math.sqrt(weight.shape[1])
                weight.uniform_(-bound, bound, generator=self.generator)
        self.nets.append(net)
        return net

    def initialize_layers(self, net, sigma):
        """initialize_layers, recorded as [0, net, sigma, 0, 0]: uniform weights of std sigma / sqrt(n_in).

        The scale is initialize_layers's, the distribution is not (not its solution).
        """
        self.events.append([0, self.index(net), float(sigma), 0, 0])
        with torch.no_grad():
            for weight in net.parameters():
                bound = math.sqrt(3) * float(sigma) / math.sqrt(weight.shape[1])
                weight.uniform_(-bound, bound, generator=self.generator)

    def train_model(self, net, X, y, n_epochs, lr, progressbar=True):
        """train_model, recorded as [1, net, n_epochs, lr, whether (X, y) is the training set]."""
        on_train = float(X is self.X_train and y is self.y_train)
        self.events.append([1, self.index(net), float(n_epochs), float(lr), on_train])
        losses = adam_losses(net, X, y, int(n_epochs), float(lr))
        self.losses.append(losses)
        return losses

    def stand_ins(self):
        """The stand-ins, by the names the notebook gives them."""
        return {"make_MLP": self.make_MLP, "initialize_layers": self.initialize_layers,
                "train_model": self.train_model}


class StudentSpec(ExerciseSpec):
    """What the two student exercises share: the problem, the recorded calls, the achievement."""

    assignment = "depth_vs_width"
    sigma_teacher = 2.0

    def call_student(self, fn, case, X_train, y_train):
        """Call ``fn`` on the case; return its (student, Es)."""
        raise NotImplementedError

    def observe(self, fn, case):
        with seeded(case["seed"]):
            X_train, y_train, X_test, y_test = teacher_problem(
                case["seed"], case["n_in"], 5, case["teacher_depth"], self.sigma_teacher, case["n_examples"])
            recorder = TrainingRecorder(X_train, y_train, case["seed"] + 1)
            with stand_ins(fn, recorder.stand_ins()):
                result = self.call_student(fn, case, X_train, y_train)
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise StudentError(f"{self.name} should return a tuple (student, Es).")
            student, Es = result
            if not isinstance(student, nn.Module):
                raise StudentError(f"the student should be an nn.Module, not {type(student).__name__}.")
            with torch.no_grad():
                errors = [float(nn.functional.mse_loss(student(X), y) / y.var()) for X, y in
                          ((X_train, y_train), (X_test, y_test))]
        recorded = np.concatenate(recorder.losses) if recorder.losses else np.zeros(0)
        return {"Es": as_array(Es, "Es").ravel(), "recorded_losses": recorded,
                "events": np.array(recorder.events, dtype=np.float64).reshape(-1, 5),
                "student": scalar(recorder.index(student), "student"),
                "n_nets": scalar(len(recorder.nets), "n_nets"),
                "shapes": np.array([w.shape for w in student.parameters()], dtype=np.float64).reshape(-1, 2),
                "errors": np.array(errors)}

    def judge_common(self, observed, expected, schedule):
        """Problems with the student, its training calls, Es and what it achieved."""
        if observed["n_nets"] == 0:
            return ["build the student with make_MLP (given above)."]
        if observed["student"] < 0:
            return ["return the student you built with make_MLP and trained."]
        shapes, wanted = observed["shapes"], expected["shapes"]
        if shapes.shape != wanted.shape or np.any(shapes != wanted):
            return [f"the student's weight shapes are {observed['shapes'].astype(int).tolist()}, expected "
                    f"{expected['shapes'].astype(int).tolist()}."]
        found = []
        trained = observed["events"][observed["events"][:, 0] == 1]
        if len(trained) != len(schedule):
            found.append(f"train_model was called {len(trained)} times, expected {len(schedule)}: "
                         + "; ".join(f"{n:g} epochs at lr {lr:g}" for n, lr in schedule) + ".")
        elif np.any(trained[:, 1] != observed["student"]):
            found.append("train the same student in every call of train_model (build it once).")
        elif (np.any(trained[:, 2] != [n for n, _ in schedule])
              or not close(trained[:, 3], [lr for _, lr in schedule], 1e-6)):
            got = "; ".join(f"{n:g} epochs at lr {lr:.4g}" for n, lr in trained[:, 2:4])
            want = "; ".join(f"{n:g} epochs at lr {lr:.4g}" for n, lr in schedule)
            found.append(f"the training schedule is {got}; expected {want}.")
        elif not np.all(trained[:, 4]):
            found.append("train on the training set: train_model(student, X_train, y_train, ...).")
        if found:
            return found
        problem = compare("Es", observed["Es"], observed["recorded_losses"], rtol=1e-6, atol=0)
        if problem:
            return [problem + " Es should be train_model's losses of every call, one after the other."]
        got_test, want_test = observed["errors"][1], expected["errors"][1]
        if not (got_test <= max(1.5 * want_test, want_test + 0.01)):
            found.append(f"the trained student's relative test error is {got_test:.3g}; the reference "
                         f"reaches {want_test:.3g} on this problem.")
        return found


class TrainDeepStudent(StudentSpec):
    """``train_deep_student``: a student with the teacher's architecture, trained in stages."""

    name = "train_deep_student"
    summary = ("student = make_MLP(n_in, width, depth), then n_stages calls train_model(student, X_train, "
               "y_train, n_epochs, lr / 3**stage, progressbar=False); return (student, all the losses "
               "concatenated).")

    def cases(self):
        return [{"seed": 71, "n_in": 4, "teacher_depth": 4, "n_examples": 300, "width": 5, "depth": 4,
                 "n_epochs": 60, "lr": 0.02, "n_stages": 3}]

    def describe(self, case):
        return (f"train_deep_student(X_train, y_train, width={case['width']}, depth={case['depth']}, "
                f"n_epochs={case['n_epochs']}, lr={case['lr']}, n_stages={case['n_stages']}) on a teacher "
                f"make_MLP({case['n_in']}, 5, {case['teacher_depth']}) of scale 2")

    def call_student(self, fn, case, X_train, y_train):
        return call(fn, X_train, y_train, width=case["width"], depth=case["depth"], n_epochs=case["n_epochs"],
                    lr=case["lr"], n_stages=case["n_stages"])

    def judge(self, observed, expected, case):
        schedule = [(case["n_epochs"], case["lr"] / 3**stage) for stage in range(case["n_stages"])]
        return self.judge_common(observed, expected, schedule)


class TrainQuasiLinearStudent(StudentSpec):
    """``train_quasi_linear_student``: a shallow student initialized at the teacher's scale."""

    name = "train_quasi_linear_student"
    sigma_teacher = 0.4
    summary = ("student = make_MLP(n_in, width, 2); initialize_layers(student, sigma); train_model for "
               "2 * n_epochs // 3 epochs at lr 1e-2, then the remaining epochs at 1e-3 (progressbar=False); "
               "return (student, all the losses concatenated).")

    def cases(self):
        return [{"seed": 81, "n_in": 5, "teacher_depth": 5, "n_examples": 300, "sigma": 0.4, "width": 8,
                 "n_epochs": 200}]

    def describe(self, case):
        return (f"train_quasi_linear_student(X_train, y_train, {case['sigma']}, width={case['width']}, "
                f"n_epochs={case['n_epochs']}) on a teacher make_MLP({case['n_in']}, 5, "
                f"{case['teacher_depth']}) of scale 0.4")

    def call_student(self, fn, case, X_train, y_train):
        return call(fn, X_train, y_train, case["sigma"], width=case["width"], n_epochs=case["n_epochs"])

    def judge(self, observed, expected, case):
        first = 2 * case["n_epochs"] // 3
        events = observed["events"]
        initialized = events[events[:, 0] == 0]
        student = observed["student"]
        if observed["n_nets"] and student >= 0:
            if not len(initialized) or np.all(initialized[:, 1] != student):
                return ["initialize the student with initialize_layers(student, sigma) before training it."]
            if not close(initialized[initialized[:, 1] == student][-1, 2], case["sigma"], 1e-9):
                return [f"initialize the student with the sigma you are given ({case['sigma']})."]
            first_training = np.argmax(events[:, 0] == 1) if np.any(events[:, 0] == 1) else len(events)
            if np.argmax((events[:, 0] == 0) & (events[:, 1] == student)) > first_training:
                return ["initialize the student before training it, not after."]
        return self.judge_common(observed, expected, [(first, 1e-2), (case["n_epochs"] - first, 1e-3)])


class Chi1(ExerciseSpec):
    """``chi_1(sigma_w)``: compared with the reference on both sides of the boundary."""

    name = "chi_1"
    assignment = "depth_vs_width"
    summary = ("chi_1 = sigma_w**2 * E_z[tanh'(sqrt(q*) z)**2], z ~ N(0, 1), "
               "q* = fixed_point_length(sigma_w), tanh'(x) = 1 - tanh(x)**2 (quadrature with "
               "gaussian_expectation, or Monte Carlo with many samples).")
    sigmas = (0.4, 0.8, 1.3, 2.0, 3.0)

    def cases(self):
        return [{"seed": 91 + i, "sigma_w": sigma} for i, sigma in enumerate(self.sigmas)]

    def describe(self, case):
        return f"chi_1({case['sigma_w']})"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            return {"chi": scalar(call(fn, case["sigma_w"]), "chi_1's result")}

    def judge(self, observed, expected, case):
        got, want, sigma = observed["chi"], expected["chi"], case["sigma_w"]
        if got.shape:
            return [f"chi_1 should return one number, not an array of shape {got.shape}."]
        if close(got, want, 2e-2):
            return []
        found = f"chi_1({sigma}) is {float(got):.4g}, expected {float(want):.4g}"
        if close(got * sigma**2, want, 2e-2):
            return [f"{found}: multiply by sigma_w**2."]
        if sigma > 1 and close(got, sigma**2, 1e-3):
            return [f"{found}: at sigma_w > 1 the length q* is not 0; evaluate tanh' at sqrt(q*) z, with "
                    "q* = fixed_point_length(sigma_w)."]
        return [f"{found}: chi_1 is sigma_w**2 times the mean of the squared derivative of tanh, "
                "(1 - tanh(sqrt(q*) z)**2)**2."]
