"""Specs of ``toy``, as an instructor fills them in after ``coursekit new toy``."""

import numpy as np

from coursekit.spec import ExerciseSpec, as_array, call, compare


class MeanSquaredError(ExerciseSpec):
    """``mean_squared_error(prediction, target, weights)``: compared with the weighted mean."""

    name = "mean_squared_error"
    assignment = "toy"
    summary = "The mean over every entry of (prediction - target) ** 2, weighted by weights when given."

    def cases(self):
        return [{"seed": 1, "shape": [5], "weighted": False}, {"seed": 2, "shape": [4, 3], "weighted": False},
                {"seed": 3, "shape": [6], "weighted": True}]

    def describe(self, case):
        weights = ", weights" if case["weighted"] else ""
        return f"mean_squared_error(prediction, target{weights} of shape {tuple(case['shape'])})"

    def observe(self, fn, case):
        rng = np.random.default_rng(case["seed"])
        prediction, target = rng.normal(size=case["shape"]), rng.normal(size=case["shape"])
        if case["weighted"]:
            result = call(fn, prediction, target, weights=rng.uniform(0.5, 2.0, size=case["shape"]))
        else:
            result = call(fn, prediction, target)
        return {"error": as_array(result, "mean_squared_error's result")}

    def judge(self, observed, expected, case):
        if observed["error"].shape != ():
            return [f"the result has shape {observed['error'].shape}: it should be one number."]
        problem = compare("the error", observed["error"], expected["error"], rtol=1e-9, atol=1e-12)
        if problem and case["weighted"]:
            problem += " Divide the weighted sum by the sum of the weights."
        return [problem] if problem else []


SPECS = [MeanSquaredError()]
