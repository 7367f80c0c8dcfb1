"""weight_grad_norms returns the gradient norm of every parameter, biases included."""

EXPECTED = {"test_weight_grad_norms": 0}


def weight_grad_norms(model):
    return {name: param.grad.norm().item() for name, param in model.named_parameters()}
