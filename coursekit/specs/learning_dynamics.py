"""Specs of the graded functions of ``learning_dynamics``.

Every case builds a small linear network (layer sizes all different, so that a
transposed matrix shows as a wrong shape) and data that are neither centered
nor whitened, so that the covariance rule must use CXX. The loss everywhere is
L = (1/P) sum over examples of the squared error summed over outputs.
"""

import numpy as np

from coursekit.spec import ExerciseSpec, StudentError, as_array, call, compare

# Layer sizes (N_0, ..., N_L) of networks with 1 to 4 weight matrices.
LAYER_SIZES = {1: [6, 4], 2: [7, 5, 3], 3: [5, 8, 4, 3], 4: [9, 6, 4, 5, 2]}


def network(case):
    """Inputs X (P x N_0), one-hot targets Y (P x N_L) and weights Wl of a case."""
    rng = np.random.default_rng(case["seed"])
    Nl = LAYER_SIZES[case["depth"]]
    X = rng.standard_normal((case["P"], Nl[0])) + 0.3
    Y = np.eye(Nl[-1])[rng.integers(0, Nl[-1], case["P"])]
    Wl = [rng.standard_normal((n_out, n_in)) / np.sqrt(n_in) for n_in, n_out in zip(Nl[:-1], Nl[1:])]
    return X, Y, Wl


def activities(X, Wl):
    """Every layer's activity [X, X W_1^T, ...], the input to ``backward``."""
    Xl = [X]
    for W in Wl:
        Xl.append(Xl[-1] @ W.T)
    return Xl


def as_list(value, what):
    """A returned list or tuple of arrays, as a list of float64 arrays."""
    if not isinstance(value, (list, tuple)):
        raise StudentError(f"{what} should be a list of arrays, one per layer, not {type(value).__name__}.")
    return [as_array(item, f"{what}[{i}]") for i, item in enumerate(value)]


def observe_list(prefix, arrays):
    """Name the arrays of a list ``prefix0``, ``prefix1``, ... and record how many there are."""
    observed = {f"{prefix}{i}": a for i, a in enumerate(arrays)}
    observed[f"n_{prefix}"] = np.array(float(len(arrays)))
    return observed


def unpack_list(observation, prefix):
    """The list of arrays that ``observe_list`` recorded."""
    return [observation[f"{prefix}{i}"] for i in range(int(observation[f"n_{prefix}"]))]


def weights_changed(observed, before="W", after="W_after"):
    """Messages for every weight matrix a function changed although it should not."""
    if observed[f"n_{before}"] != observed[f"n_{after}"]:
        return ["it added or removed matrices of the list Wl it was given: leave Wl as it is."]
    changed = [i + 1 for i, (W, W_after) in enumerate(zip(unpack_list(observed, before),
                                                              unpack_list(observed, after)))
               if W.shape != W_after.shape or not np.array_equal(W, W_after)]
    if not changed:
        return []
    return [f"it changed the weight matrices it was given (layers {changed}): compute every "
            "gradient from the weights as they are, and leave changing them to `update`."]


def fitted_factor(got, want):
    """The number c that makes c * want closest to got, over every array of two lists."""
    num = sum(np.sum(g * w) for g, w in zip(got, want))
    den = sum(np.sum(w * w) for w in want)
    return num / den if den > 0 else np.nan


def judge_gradients(got, want, P, what):
    """Problems of a list of gradients ``got`` compared with the right ones ``want``."""
    if len(got) != len(want):
        return [f"{what} returned {len(got)} gradients for {len(want)} weight matrices; return one "
                "gradient per matrix of Wl, first layer first."]
    if len(got) > 1 and any(g.shape != w.shape for g, w in zip(got, want)) and all(
            g.shape == w.shape for g, w in zip(got[::-1], want)):
        return ["the gradients are in reverse order (last layer first): return them first layer "
                "first, like Wl."]
    shapes = []
    for l, (g, w) in enumerate(zip(got, want)):
        if g.shape == w.shape[::-1]:
            shapes.append(f"dL/dW_{l + 1} has shape {g.shape}, the shape of W_{l + 1} transposed: a "
                          f"gradient has the shape of its weight matrix, {w.shape} = (N_{l + 1}, N_{l}).")
        elif g.shape != w.shape:
            shapes.append(f"dL/dW_{l + 1} has shape {g.shape}, expected {w.shape} (the shape of W_{l + 1}).")
    if shapes:
        return shapes
    scale = max(np.abs(w).max() for w in want)
    wrong = [l for l, (g, w) in enumerate(zip(got, want)) if compare("", g, w, 1e-6, 1e-9 * scale)]
    if not wrong:
        return []
    factor = fitted_factor(got, want)
    close = all(compare("", g, factor * w, 1e-6, 1e-9 * scale) is None for g, w in zip(got, want))
    known = {0.5: "half the right size: the derivative of the squared error brings a factor 2, "
                  "dL/dW_tot = 2 (W_tot CXX - CYX) and dL/dgX = 2 (gX - fX) / P",
             2.0: "twice the right size",
             float(P): f"P = {P} times too large: L averages over the examples, so divide by P",
             2.0 * P: f"2P = {2 * P} times too large: L averages over the examples (divide by P)",
             P / 2: "P/2 times too large: divide by P and keep the factor 2 of the squared error",
             -1.0: "of the wrong sign: they must point uphill (gX - fX, not fX - gX); `update` "
                   "subtracts them"}
    for value, message in known.items():
        if close and np.isclose(factor, value, rtol=1e-6):
            return [f"the gradients are {message}."]
    found = [compare(f"dL/dW_{l + 1}", got[l], want[l], 1e-6, 1e-9 * scale) for l in wrong]
    if len(want) - 1 not in wrong:
        found.append("the last layer's gradient is right but those below are not: propagate "
                     "dL/dX back through the weights you are given (W_l, not a global variable).")
    return found


class Forward(ExerciseSpec):
    """``forward(X, Wl)``: the output and the activity of every layer."""

    name = "forward"
    assignment = "learning_dynamics"
    summary = ("gX = X @ W_1.T @ W_2.T @ ... @ W_L.T, and Xl = [X, X_1, ..., X_L] with "
               "X_l = X_{l-1} @ W_l.T: the input, then every layer's activity, gX last.")

    def cases(self):
        return [{"seed": 101, "depth": 1, "P": 11}, {"seed": 102, "depth": 2, "P": 13},
                {"seed": 103, "depth": 3, "P": 9}, {"seed": 104, "depth": 4, "P": 12}]

    def describe(self, case):
        return f"forward(X of shape ({case['P']}, {LAYER_SIZES[case['depth']][0]}), Wl of layer sizes " \
               f"{LAYER_SIZES[case['depth']]})"

    def observe(self, fn, case):
        X, _, Wl = network(case)
        result = call(fn, X, Wl)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise StudentError(f"forward should return a tuple (gX, Xl), not {type(result).__name__}.")
        observed = {"gX": as_array(result[0], "forward's gX")}
        observed.update(observe_list("X", as_list(result[1], "forward's Xl")))
        return observed

    def judge(self, observed, expected, case):
        problem = compare("gX", observed["gX"], expected["gX"], rtol=1e-9, atol=1e-12)
        if problem:
            return [problem + " gX is the last layer's activity, X @ W_1.T @ ... @ W_L.T."]
        got, want = unpack_list(observed, "X"), unpack_list(expected, "X")
        if len(got) != len(want):
            return [f"Xl has {len(got)} arrays, expected {len(want)} for {len(want) - 1} weight "
                    "matrices: the input X first, then the activity of every layer, gX last."]
        found = [compare(f"Xl[{l}]", g, w, rtol=1e-9, atol=1e-12) for l, (g, w) in enumerate(zip(got, want))]
        return [f for f in found if f]


class Loss(ExerciseSpec):
    """``loss(fX, gX)``: squared error summed over outputs, averaged over examples."""

    name = "loss"
    assignment = "learning_dynamics"
    summary = "L = (1/P) sum over examples of the squared error summed over the M outputs: " \
              "np.sum((fX - gX) ** 2) / P for P examples."

    def cases(self):
        return [{"seed": 201, "P": 13, "M": 4}, {"seed": 202, "P": 50, "M": 10}]

    def describe(self, case):
        return f"loss(fX, gX of shape ({case['P']}, {case['M']}))"

    def observe(self, fn, case):
        rng = np.random.default_rng(case["seed"])
        fX = np.eye(case["M"])[rng.integers(0, case["M"], case["P"])]
        gX = fX + rng.standard_normal(fX.shape)
        return {"L": as_array(call(fn, fX, gX), "loss's result")}

    def judge(self, observed, expected, case):
        got, want = observed["L"], expected["L"]
        if got.shape != ():
            return [f"the loss should be one number, not an array of shape {got.shape}."]
        P, M = case["P"], case["M"]
        if np.isclose(got, want, rtol=1e-9, atol=0):
            return []
        known = {1 / M: f"1/M = 1/{M} of the right value: np.mean averages over the outputs too; "
                        "sum the squared error over the outputs and average over the examples only",
                 float(P): f"P = {P} times the right value: average over the examples (divide by P)",
                 0.5: "half the right value", 1 / P: f"1/P = 1/{P} of the right value"}
        for factor, message in known.items():
            if np.isclose(got, factor * want, rtol=1e-9, atol=0):
                return [f"the loss is {message}."]
        return [f"the loss is {float(got):.6g}, expected {float(want):.6g}."]


class Backward(ExerciseSpec):
    """``backward(fX, Xl, Wl)``: the gradients from the data, judged layer by layer."""

    name = "backward"
    assignment = "learning_dynamics"
    summary = ("with dL/dX_L = 2 (X_L - fX) / P, dL/dW_l = (dL/dX_l).T @ X_{l-1} and "
               "dL/dX_{l-1} = dL/dX_l @ W_l, using the arguments Xl and Wl (no global variables) "
               "and changing neither; return the gradients first layer first.")

    def cases(self):
        return [{"seed": 301, "depth": 1, "P": 15}, {"seed": 302, "depth": 2, "P": 20},
                {"seed": 303, "depth": 3, "P": 17}, {"seed": 304, "depth": 4, "P": 25}]

    def describe(self, case):
        return f"backward(fX, Xl, Wl) for layer sizes {LAYER_SIZES[case['depth']]} and P = {case['P']}"

    def observe(self, fn, case):
        X, Y, Wl = network(case)
        Xl = activities(X, Wl)
        observed = observe_list("W", [W.copy() for W in Wl])
        observed.update(observe_list("dW", as_list(call(fn, Y, Xl, Wl), "backward's result")))
        observed.update(observe_list("W_after", [as_array(W, "Wl") for W in Wl]))
        return observed

    def judge(self, observed, expected, case):
        found = judge_gradients(unpack_list(observed, "dW"), unpack_list(expected, "dW"), case["P"],
                                "backward")
        return found + weights_changed(observed)


class Update(ExerciseSpec):
    """``update(Wl, dLdWl, lr)``: judged by the weight arrays after the call."""

    name = "update"
    assignment = "learning_dynamics"
    summary = ("change every weight array in place, W_l -= lr * dL/dW_l (or W[...] = ...); "
               "W = W - lr * dLdW only rebinds a name and changes nothing.")

    def cases(self):
        return [{"seed": 401, "depth": 2, "P": 5, "lr": 0.1}, {"seed": 402, "depth": 3, "P": 5, "lr": 0.03}]

    def describe(self, case):
        return f"update(Wl, dLdWl, lr={case['lr']}) for layer sizes {LAYER_SIZES[case['depth']]}"

    def observe(self, fn, case):
        rng = np.random.default_rng(case["seed"] + 1)
        _, _, Wl = network(case)
        dLdWl = [rng.standard_normal(W.shape) for W in Wl]
        arrays = list(Wl)
        observed = observe_list("W", [W.copy() for W in Wl])
        observed.update(observe_list("dW", [dW.copy() for dW in dLdWl]))
        call(fn, Wl, dLdWl, case["lr"])
        observed.update(observe_list("W_after", [as_array(W, "a weight array") for W in arrays]))
        observed.update(observe_list("W_list", [as_array(W, "Wl's element") for W in Wl]))
        return observed

    def judge(self, observed, expected, case):
        lr = case["lr"]
        before, dW = unpack_list(observed, "W"), unpack_list(observed, "dW")
        after, want = unpack_list(observed, "W_after"), unpack_list(expected, "W_after")
        listed = unpack_list(observed, "W_list")
        ok = [compare(f"W_{l + 1}", a, w, 1e-12, 1e-12) is None for l, (a, w) in enumerate(zip(after, want))]
        if all(ok):
            return []
        if all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(after, before)):
            if len(listed) == len(want) and all(
                    compare("", a, w, 1e-12, 1e-12) is None for a, w in zip(listed, want)):
                return ["update put new arrays into the list Wl but left the weight arrays "
                        "themselves unchanged: change each array in place (W -= lr * dLdW)."]
            return ["update did not change the weights: `W = W - lr * dLdW` only rebinds the name W; "
                    "change the array itself with W -= lr * dLdW or W[...] = W - lr * dLdW."]
        steps = [a - b for a, b in zip(after, before)]
        for factor, message in ((lr, "moved the weights up the gradient: subtract lr * dL/dW_l"),
                                (-1.0, "ignored the learning rate: subtract lr * dL/dW_l"),
                                (1.0, "moved the weights up the gradient, without the learning rate")):
            if all(s.shape == d.shape and np.allclose(s, factor * d, rtol=1e-9, atol=1e-12)
                   for s, d in zip(steps, dW)):
                return [f"update {message}."]
        return [compare(f"W_{l + 1} after the update", after[l], want[l], 1e-12, 1e-12)
                for l in range(len(want)) if not ok[l]]


class Accuracy(ExerciseSpec):
    """``accuracy(fX, gX)``: the fraction of rows whose argmax agree."""

    name = "accuracy"
    assignment = "learning_dynamics"
    summary = ("the fraction (between 0 and 1) of examples whose largest output is at the "
               "target's one-hot index.")

    def cases(self):
        return [{"seed": 501, "P": 40, "M": 10}, {"seed": 502, "P": 25, "M": 3}]

    def describe(self, case):
        return f"accuracy(fX, gX of shape ({case['P']}, {case['M']}))"

    def observe(self, fn, case):
        rng = np.random.default_rng(case["seed"])
        fX = np.eye(case["M"])[rng.integers(0, case["M"], case["P"])]
        gX = 1.5 * fX + rng.standard_normal(fX.shape)
        return {"accuracy": as_array(call(fn, fX, gX), "accuracy's result")}

    def judge(self, observed, expected, case):
        got, want = observed["accuracy"], expected["accuracy"]
        if got.shape != ():
            return [f"the accuracy should be one number, not an array of shape {got.shape}."]
        if np.isclose(got, want, rtol=1e-12, atol=1e-12):
            return []
        if np.isclose(got, 100 * want):
            return ["the accuracy is a percentage; return the fraction between 0 and 1."]
        if np.isclose(got, case["P"] * want):
            return ["the accuracy is the number of right answers; divide by the number of examples."]
        return [f"the accuracy is {float(got):.6g}, expected {float(want):.6g}: compare the argmax "
                "of each row (axis=1) of fX and gX."]


class CovarianceBackward(ExerciseSpec):
    """``covariance_backward(Wl, CXX, CYX)``: the same gradients as ``backward``, from covariances."""

    name = "covariance_backward"
    assignment = "learning_dynamics"
    summary = ("with dL/dW_tot = 2 (W_tot CXX - CYX), dL/dW_l = (W_L ... W_{l+1}).T @ dL/dW_tot "
               "@ (W_{l-1} ... W_1).T for every layer (L = 1 included), all computed before "
               "anything changes; Wl is left as it is.")

    def cases(self):
        return [{"seed": 601, "depth": 1, "P": 30}, {"seed": 602, "depth": 2, "P": 40},
                {"seed": 603, "depth": 3, "P": 25}, {"seed": 604, "depth": 4, "P": 50}]

    def describe(self, case):
        return f"covariance_backward(Wl, CXX, CYX) for layer sizes {LAYER_SIZES[case['depth']]}"

    def observe(self, fn, case):
        X, Y, Wl = network(case)
        CXX, CYX = X.T @ X / len(X), Y.T @ X / len(X)
        observed = observe_list("W", [W.copy() for W in Wl])
        result = call(fn, Wl, CXX.copy(), CYX.copy())
        observed.update(observe_list("dW", as_list(result, "covariance_backward's result")))
        observed.update(observe_list("W_after", [as_array(W, "Wl") for W in Wl]))
        return observed

    def judge(self, observed, expected, case):
        changed = weights_changed(observed)
        found = judge_gradients(unpack_list(observed, "dW"), unpack_list(expected, "dW"), case["P"],
                                "covariance_backward")
        return changed + found


SPECS = [Forward(), Loss(), Backward(), Update(), Accuracy(), CovarianceBackward()]
