"""Specs of the graded functions of ``deep_linear_networks``."""

import numpy as np
import torch
from torch import nn

from coursekit.spec import ExerciseSpec, as_array, call, compare, seeded, unpack


class TwoLayerLinear(nn.Module):
    """A network shaped like the notebook's ``LNNet``: no biases, first layer first."""

    def __init__(self, in_dim, hid_dim, out_dim):
        super().__init__()
        self.in_hid = nn.Linear(in_dim, hid_dim, bias=False)
        self.hid_out = nn.Linear(hid_dim, out_dim, bias=False)

    def forward(self, x):
        hid = self.in_hid(x)
        return self.hid_out(hid), hid


def weights_of(model):
    """The model's weights as float64 arrays, first layer first."""
    return [as_array(w, "weight") for w in model.parameters()]


class Initializer(ExerciseSpec):
    """``initializer_(model, gamma)``: judged by the statistics of the weights it draws."""

    name = "initializer_"
    assignment = "deep_linear_networks"
    summary = ("in place, every weight matrix of shape (n_out, n_in) drawn from a normal "
               "distribution with mean 0 and std gamma / sqrt(n_in + n_out).")

    def cases(self):
        return [{"seed": 11, "dims": [200, 100, 150], "gamma": 1.0},
                {"seed": 12, "dims": [60, 400, 30], "gamma": 1e-3}]

    def describe(self, case):
        return f"initializer_(LNNet{tuple(case['dims'])}, gamma={case['gamma']:g})"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            model = TwoLayerLinear(*case["dims"])
            before = weights_of(model)
            call(fn, model, gamma=case["gamma"])
            after = weights_of(model)
        observed = {f"before{i}": w for i, w in enumerate(before)}
        observed.update({f"after{i}": w for i, w in enumerate(after)})
        return observed

    def judge(self, observed, expected, case):
        found = []
        for i in range(len(case["dims"]) - 1):
            w, before = observed[f"after{i}"], observed[f"before{i}"]
            n_out, n_in = case["dims"][i + 1], case["dims"][i]
            layer = f"layer {i + 1} (n_in={n_in}, n_out={n_out})"
            if w.shape != (n_out, n_in):
                found.append(f"{layer}: the weight has shape {w.shape}, expected {(n_out, n_in)}.")
                continue
            if np.array_equal(w, before):
                found.append(f"{layer}: the weights did not change; initializer_ must change the "
                             "model's own weights in place (for example with nn.init.normal_).")
                continue
            sigma = case["gamma"] / np.sqrt(n_in + n_out)
            std, mean = w.std(), w.mean()
            if abs(std / sigma - 1) > 0.05:
                found.append(f"{layer}: the weights have std {std:.4g}, expected "
                             f"gamma / sqrt(n_in + n_out) = {sigma:.4g}.")
            if abs(mean) > 6 * sigma / np.sqrt(w.size):
                found.append(f"{layer}: the weights have mean {mean:.3g}, expected 0.")
            kurtosis = np.mean((w - mean) ** 4) / max(std, 1e-300) ** 4
            if abs(kurtosis - 3) > 0.3:
                found.append(f"{layer}: the weights are not normally distributed (kurtosis "
                             f"{kurtosis:.2f}; a normal distribution has 3, a uniform one 1.8).")
        return found


class NetSvd(ExerciseSpec):
    """``net_svd(model, in_dim)``: judged up to the signs and basis of each singular space."""

    name = "net_svd"
    assignment = "deep_linear_networks"
    summary = ("W_tot = W_2 @ W_1 (the last layer leftmost, shape out_dim x in_dim); return "
               "torch.svd(W_tot): U, singular values in descending order, and V (not V^T), the reduced "
               "SVD (with torch.linalg.svd: full_matrices=False, and V = Vh.T).")

    def cases(self):
        return [{"seed": 21, "dims": [8, 30, 100]},
                {"seed": 22, "dims": [6, 4, 9]},
                {"seed": 23, "dims": [5, 12, 3]},
                {"seed": 24, "dims": [7, 10, 7]}]

    def describe(self, case):
        return f"net_svd(LNNet{tuple(case['dims'])}, {case['dims'][0]})"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            model = TwoLayerLinear(*case["dims"])
            return unpack(call(fn, model, case["dims"][0]), ["U", "S", "V"], "net_svd")

    def judge(self, observed, expected, case):
        W = expected["U"] @ np.diag(expected["S"]) @ expected["V"].T
        (m, n), k = W.shape, min(W.shape)
        U, S, V = observed["U"], observed["S"], observed["V"]
        shapes = {"U": (U, (m, k)), "S": (S, (k,)), "V": (V, (n, k))}
        wrong = [f"{label} has shape {a.shape}, expected {ok}" for label, (a, ok) in shapes.items()
                 if a.shape != ok]
        if wrong and (U.shape, V.shape) in (((m, m), (n, n)), ((m, m), (n, k)), ((m, k), (n, n))):
            return ["; ".join(wrong) + ": return the reduced SVD, k = min(out_dim, in_dim) singular "
                    "vectors, as torch.svd does (torch.linalg.svd needs full_matrices=False; its default "
                    "returns square U and Vh, which cost far more for W_tot of 10000 x 8)."]
        if wrong:
            return ["; ".join(wrong) + f" (W_tot has shape {W.shape}: W_2 @ W_1 maps in_dim to out_dim)."]
        scale = np.abs(W).max()
        atol = 1e-4 * scale
        if compare("S", S, expected["S"], rtol=1e-4, atol=atol):
            if compare("S", np.sort(S)[::-1], expected["S"], rtol=1e-4, atol=atol) is None:
                return ["the singular values are not in descending order (torch.svd's convention)."]
            return [compare("S", S, expected["S"], rtol=1e-4, atol=atol)
                    + " Check that W_tot is the product of all the weights, last layer leftmost."]
        found = []
        for label, basis in (("U", U), ("V", V)):
            if compare(f"{label}^T {label}", basis.T @ basis, np.eye(k), rtol=0, atol=1e-3):
                found.append(f"the columns of {label} are not orthonormal singular vectors.")
        rebuilt = U @ np.diag(S) @ V.T
        if not found and compare("U diag(S) V^T", rebuilt, W, rtol=0, atol=atol):
            if m == n and compare("", U @ np.diag(S) @ V, W, rtol=0, atol=atol) is None:
                found.append("V is transposed: torch.linalg.svd returns Vh = V^T, net_svd must return V.")
            else:
                found.append("U diag(S) V^T does not give back W_tot = W_2 @ W_1; check the order "
                             "of the product and that V is not transposed.")
        return found


class NetRsm(ExerciseSpec):
    """``net_rsm(h)``: compared with h h^T."""

    name = "net_rsm"
    assignment = "deep_linear_networks"
    summary = "the matrix of dot products between the items' hidden activities, h @ h.T (items x items)."

    def cases(self):
        return [{"seed": 31, "shape": [8, 30]}, {"seed": 32, "shape": [7, 17]},
                {"seed": 33, "shape": [5, 5]}]

    def describe(self, case):
        return f"net_rsm(h of shape {tuple(case['shape'])})"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            h = torch.randn(*case["shape"])
        return {"rsm": as_array(call(fn, h), "net_rsm's result")}

    def judge(self, observed, expected, case):
        scale = np.abs(expected["rsm"]).max()
        problem = compare("the RSM", observed["rsm"], expected["rsm"], rtol=1e-5, atol=1e-5 * scale)
        return [problem + " One row and one column per item: h @ h.T."] if problem else []


class LinearRegression(ExerciseSpec):
    """``linear_regression(X, Y)``: compared with Y X^T (X X^T)^-1."""

    name = "linear_regression"
    assignment = "deep_linear_networks"
    summary = "W = Y X^T (X X^T)^-1 for X of shape (M, D) and Y of shape (N, D), one column per sample."

    def cases(self):
        return [{"seed": 41, "M": 3, "N": 3, "D": 37}, {"seed": 42, "M": 8, "N": 20, "D": 50},
                {"seed": 43, "M": 8, "N": 200, "D": 8}]

    def describe(self, case):
        M, N, D = case["M"], case["N"], case["D"]
        return f"linear_regression(X of shape ({M}, {D}), Y of shape ({N}, {D}))"

    def observe(self, fn, case):
        rng = np.random.default_rng(case["seed"])
        X = rng.normal(size=(case["M"], case["D"]))
        Y = rng.normal(size=(case["N"], case["M"])) @ X + 0.1 * rng.normal(size=(case["N"], case["D"]))
        return {"W": as_array(call(fn, X, Y), "linear_regression's result")}

    def judge(self, observed, expected, case):
        problem = compare("W", observed["W"], expected["W"], rtol=1e-6, atol=1e-8)
        return [problem] if problem else []


SPECS = [Initializer(), NetSvd(), NetRsm(), LinearRegression()]
