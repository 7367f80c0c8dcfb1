"""Specs of the graded functions of ``initialization``.

``make_deep_model`` is judged by its structure (module kinds, layer shapes,
parameter count) and by its outputs once its parameters are filled from a seed;
``weight_grad_norms`` by the dictionary it returns for models built here;
``better_init`` by what it achieves, never by one formula: zero biases, centered
weights, ``std * sqrt(fan_in)`` or ``std * sqrt(fan_out)`` close to ``sqrt(2)``
(He et al. 2015, section 2.2: the fan_in mode keeps the forward signal's size,
the fan_out mode the backpropagated gradient's, and either keeps both within a
constant factor; normal and uniform variants pass) and weight-gradient norms of
a deep ReLU network that neither vanish nor explode.
"""

import math
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from coursekit.spec import ExerciseSpec, StudentError, as_array, call, compare, seeded

# Module kinds, as numbers so that an observation stays a plain array.
KINDS = [nn.Linear, nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Sigmoid, nn.Identity, nn.Dropout,
         nn.BatchNorm1d, nn.Sequential, nn.Flatten]
OTHER = len(KINDS)


def kind_name(code):
    """The name of a module kind code of :data:`KINDS`."""
    code = int(code)
    return KINDS[code].__name__ if code < OTHER else "another module"


def expected_kinds():
    """Linear, ReLU four times, then the linear output layer."""
    return [0, 1] * 4 + [0]


def count(model):
    """Number of parameters of ``model``."""
    return sum(p.numel() for p in model.parameters())


class MakeDeepModel(ExerciseSpec):
    """``make_deep_model(width=20)``: judged by its structure and by its outputs."""

    name = "make_deep_model"
    assignment = "initialization"
    summary = ("an nn.Sequential of 9 modules: Linear(1, width), ReLU, three times Linear(width, width), "
               "ReLU, then Linear(width, 1) with no ReLU after it; width is the argument (20 by default).")

    def cases(self):
        return [{"seed": 1, "width": None}, {"seed": 2, "width": 7}, {"seed": 3, "width": 3}]

    def describe(self, case):
        return "make_deep_model()" if case["width"] is None else f"make_deep_model(width={case['width']})"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            model = call(fn) if case["width"] is None else call(fn, width=case["width"])
            if not isinstance(model, nn.Sequential):
                raise StudentError("make_deep_model should return an nn.Sequential, "
                                   f"not {type(model).__name__}.")
            kinds = [next((i for i, kind in enumerate(KINDS) if type(m) is kind), OTHER) for m in model]
            shapes = [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)]
            with torch.no_grad():
                for p in model.parameters():
                    p.copy_(torch.randn_like(p) / math.sqrt(max(p.shape[-1], 1)))
            try:
                output = model(torch.linspace(-1.0, 1.0, 10).unsqueeze(-1))
            except Exception as error:  # a broken model is reported, never raised
                raise StudentError(f"the model raised {type(error).__name__} on inputs of shape (10, 1): "
                                   f"{error}") from None
        return {"kinds": np.array(kinds, dtype=np.float64),
                "shapes": np.array(shapes, dtype=np.float64).reshape(-1, 2),
                "n_params": np.array(float(count(model))),
                "output": as_array(output, "the model's output")}

    def judge(self, observed, expected, case):
        width = case["width"] or 20
        kinds = [int(k) for k in observed["kinds"]]
        n_linear = kinds.count(0)
        found = []
        if n_linear != 5:
            found.append(f"the model has {n_linear} nn.Linear layers, expected 5: four hidden layers "
                         "and the output layer.")
        if kinds and kinds[-1] != 0:
            found.append(f"the last module is a {kind_name(kinds[-1])}: the output layer must be an "
                         "nn.Linear with no activation after it, or the network cannot predict "
                         "negative values.")
        if not found and kinds != expected_kinds():
            found.append("the modules are [" + ", ".join(kind_name(k) for k in kinds)
                         + "], expected Linear and ReLU in turn, ending with Linear.")
        if found:
            return found
        shapes = [tuple(int(v) for v in row) for row in observed["shapes"]]
        wanted = [(1, width)] + [(width, width)] * 3 + [(width, 1)]
        if shapes != wanted:
            hidden = {s[1] for s in shapes[:-1]}
            if width != 20 and hidden == {20}:
                return [f"the hidden layers have 20 units although width={width} was asked: use the "
                        "argument width, not a fixed number."]
            return [f"the linear layers have (in_features, out_features) {shapes}, expected {wanted}."]
        if observed["n_params"] != expected["n_params"]:
            return [f"the model has {observed['n_params']:g} parameters, expected {expected['n_params']:g} "
                    "(every nn.Linear keeps its bias)."]
        problem = compare("the output on 10 inputs of shape (10, 1)", observed["output"], expected["output"],
                          rtol=1e-4, atol=1e-5)
        return [problem] if problem else []


def named_layers_model():
    """A model whose layers have names, so parameter names are not ``0.weight``, ``2.weight``."""
    return nn.Sequential(OrderedDict(hidden=nn.Linear(3, 5), act=nn.Tanh(), out=nn.Linear(5, 2)))


def numbered_layers_model():
    """A small deep ReLU model like the notebook's."""
    return nn.Sequential(nn.Linear(1, 8), nn.ReLU(), nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 1))


def model_with_gradients(case):
    """The case's model, with ``.grad`` filled by a backward pass or by seeded values."""
    if case["model"] == "numbered":
        model = numbered_layers_model()
        x = torch.rand(64, 1) * 2 - 1
        loss = nn.functional.mse_loss(model(x), torch.sin(math.pi * x))
        model.zero_grad()
        loss.backward()
    else:
        model = named_layers_model()
        for i, p in enumerate(model.parameters()):
            p.grad = torch.randn_like(p) * (i + 1)
    return model


class WeightGradNorms(ExerciseSpec):
    """``weight_grad_norms(model)``: judged by the dictionary it returns."""

    name = "weight_grad_norms"
    assignment = "initialization"
    summary = ("a dict with one entry per parameter whose name (from model.named_parameters()) ends "
               "with '.weight': the L2 norm of its gradient param.grad, as a float; no biases.")

    def cases(self):
        return [{"seed": 11, "model": "numbered"}, {"seed": 12, "model": "named"}]

    def describe(self, case):
        if case["model"] == "numbered":
            return ("weight_grad_norms(Sequential(Linear(1, 8), ReLU, Linear(8, 6), ReLU, Linear(6, 1)) "
                    "after a backward pass)")
        return "weight_grad_norms(Sequential(hidden=Linear(3, 5), act=Tanh(), out=Linear(5, 2)))"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            model = model_with_gradients(case)
        names = [name for name, _ in model.named_parameters()]
        weights = [name for name in names if name.endswith(".weight")]
        result = call(fn, model)
        if not isinstance(result, dict):
            raise StudentError("weight_grad_norms should return a dict mapping parameter names to "
                               f"norms, not {type(result).__name__}.")
        norms = []
        for name in weights:
            value = as_array(result.get(name, np.nan), f"the value of {name!r}")
            if value.size != 1:
                raise StudentError(f"the value of {name!r} should be one number (a norm), not an array "
                                   f"of shape {value.shape}.")
            norms.append(float(value.reshape(())))
        params = dict(model.named_parameters())
        return {"norms": np.array(norms),
                "weight_norms": np.array([params[n].detach().double().norm().item() for n in weights]),
                "bias_keys": np.array(float(sum(n in result and n not in weights for n in names))),
                "unknown_keys": np.array(float(sum(k not in names for k in result)))}

    def judge(self, observed, expected, case):
        with seeded(case["seed"]):
            model = model_with_gradients(case)
        weights = [name for name, _ in model.named_parameters() if name.endswith(".weight")]
        found = []
        if observed["bias_keys"] > 0:
            found.append(f"the dictionary holds {observed['bias_keys']:g} bias entries: keep only the "
                         "parameters whose name ends with '.weight'.")
        if observed["unknown_keys"] > 0:
            found.append(f"{observed['unknown_keys']:g} keys are not parameter names of the model: use the "
                         f"names given by model.named_parameters(), here {weights}.")
        missing = [name for name, value in zip(weights, observed["norms"]) if np.isnan(value)]
        if missing:
            return found + [f"the dictionary has no entry for {missing}."]
        got, want = observed["norms"], expected["norms"]
        if compare("", got, observed["weight_norms"], rtol=1e-4, atol=1e-7) is None:
            return found + ["these are the norms of the weights themselves: take the norm of their "
                            "gradients, param.grad."]
        if compare("", got, want ** 2, rtol=1e-4, atol=1e-7) is None:
            return found + ["these are the squared norms: the L2 norm is the square root of the sum "
                            "of squares."]
        problem = compare(f"the norms of {weights}", got, want, rtol=1e-4, atol=1e-7)
        return found + ([problem] if problem else [])


def deep_relu_model(width, depth):
    """``depth`` hidden ReLU layers of ``width`` units, one input, one output."""
    layers = [nn.Linear(1, width), nn.ReLU()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def layer_statistics(layer, weight_before):
    """Mean, std, size, fan-in, fan-out, largest |bias| and changed fraction of a linear layer."""
    w = layer.weight.detach().double()
    bias = 0.0 if layer.bias is None else layer.bias.detach().double().abs().max().item()
    changed = (layer.weight.detach() != weight_before).double().mean().item()
    return [w.mean().item(), w.std(unbiased=False).item(), w.numel(), layer.in_features,
            layer.out_features, bias, changed]


STAT_MEAN, STAT_STD, STAT_SIZE, STAT_FAN_IN, STAT_FAN_OUT, STAT_BIAS, STAT_CHANGED = range(7)
GRADIENT_BOUNDS = (1e-3, 1e3)  # He: 0.11 .. 38 over 200 draws; naive 0.03: < 1e-8, 3.0: > 1e14


class BetterInit(ExerciseSpec):
    """``better_init(module)``: judged by the statistics it draws and the gradients they give."""

    name = "better_init"
    assignment = "initialization"
    summary = ("for an nn.Linear, in place: weights with mean 0 and std sqrt(2 / fan_in) (He/Kaiming for "
               "ReLU, fan_in = module.in_features; normal or uniform; He's fan_out mode, sqrt(2 / fan_out), "
               "passes too), biases zero; other modules untouched.")

    def cases(self):
        return [{"seed": 21, "layer": [400, 300]}, {"seed": 22, "layer": [20, 2000]},
                {"seed": 23, "deep": [64, 8]}]

    def describe(self, case):
        if "layer" in case:
            return f"better_init(nn.Linear({case['layer'][0]}, {case['layer'][1]}))"
        width, depth = case["deep"]
        return f"model.apply(better_init) on a ReLU network with {depth} hidden layers of width {width}"

    def observe(self, fn, case):
        with seeded(case["seed"]):
            if "layer" in case:
                model = nn.Linear(*case["layer"])
            else:
                model = deep_relu_model(*case["deep"])
            layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
            before = [m.weight.detach().clone() for m in layers]
            for module in list(model.modules())[::-1]:  # children first, as model.apply does
                call(fn, module)
            observed = {"stats": np.array([layer_statistics(m, b) for m, b in zip(layers, before)])}
            if "deep" in case:
                x = torch.rand(256, 1) * 2 - 1
                y = torch.sin(math.pi * x) + 0.5 * torch.sin(3 * math.pi * x)
                loss = nn.functional.mse_loss(model(x), y)
                model.zero_grad()
                loss.backward()
                observed["gnorms"] = np.array([m.weight.grad.double().norm().item() for m in layers])
        return observed

    def judge(self, observed, expected, case):
        by_kind = {}  # the first message of each kind of problem, and how many layers have it
        for i, row in enumerate(observed["stats"]):
            mean, std, size, fan_in, fan_out, bias, changed = row
            layer = f"layer {i + 1} (in_features={fan_in:g}, out_features={fan_out:g})"
            problems = {}
            if changed < 0.5:
                problems["unchanged"] = (f"{layer}: the weights did not change; better_init must change "
                                         "module.weight in place (the nn.init functions do).")
            else:
                if bias > 0:
                    problems["bias"] = (f"{layer}: the biases are not zero (largest |b| = {bias:.3g}); set "
                                        "them to 0 with nn.init.zeros_(module.bias).")
                if abs(mean) > 6 * std / math.sqrt(size):
                    problems["mean"] = f"{layer}: the weights have mean {mean:.3g}; center them at 0."
                if size >= 1000:  # fewer weights give too imprecise a std
                    problems.update(self.scale_problems(layer, std, fan_in, fan_out))
            for kind, message in problems.items():
                first, n = by_kind.get(kind, (message, 0))
                by_kind[kind] = (first, n + 1)
        found = [first + (f" The same holds for {n - 1} more layers." if n > 1 else "")
                 for first, n in by_kind.values()]
        if "gnorms" in observed and "unchanged" not in by_kind:
            found += self.gradient_problems(observed["gnorms"])
        return found

    @staticmethod
    def scale_problems(layer, std, fan_in, fan_out):
        """A message (keyed by ``"scale"``) unless std * sqrt(fan) is within 10% of sqrt(2).

        ``fan`` is ``fan_in`` (He's default mode) or ``fan_out`` (his mode for the
        backward pass, equally valid by He et al. 2015, section 2.2).
        """
        scale = std * math.sqrt(fan_in)
        if min(abs(std * math.sqrt(fan) / math.sqrt(2) - 1) for fan in (fan_in, fan_out)) <= 0.1:
            return {}
        message = (f"{layer}: std * sqrt(fan_in) = {scale:.3g}, expected sqrt(2) = 1.414, i.e. std = "
                   f"sqrt(2 / fan_in) = {math.sqrt(2 / fan_in):.3g} (or He's fan_out mode, std = "
                   f"sqrt(2 / fan_out) = {math.sqrt(2 / fan_out):.3g}).")
        if abs(scale - 1) <= 0.1 or abs(std * math.sqrt((fan_in + fan_out) / 2) - 1) <= 0.1:
            message += (" That is a LeCun/Xavier scale, right for linear or tanh units; a ReLU zeroes half "
                        "of its inputs, so He doubles the variance.")
        return {"scale": message}

    @staticmethod
    def gradient_problems(gnorms):
        """Messages when weight-gradient norms vanish or explode through depth."""
        low, high = GRADIENT_BOUNDS
        listed = ", ".join(f"{g:.2g}" for g in gnorms)
        if not np.all(np.isfinite(gnorms)):
            return [f"the weight-gradient norms are not finite ({listed})."]
        if gnorms.min() < low:
            return [f"the weight-gradient norms vanish (input layer first: {listed}); a healthy "
                    f"initialization keeps them between {low:g} and {high:g}."]
        if gnorms.max() > high:
            return [f"the weight-gradient norms explode (input layer first: {listed}); a healthy "
                    f"initialization keeps them between {low:g} and {high:g}."]
        return []


SPECS = [MakeDeepModel(), WeightGradNorms(), BetterInit()]
