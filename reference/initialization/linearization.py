"""Given code of ``initialization``: the singular value decomposition of the local linearization.

The feature matrix of the local linearization (the Jacobian of the outputs on the
inputs with respect to the parameters), one backward pass per input or batched with
``torch.func``, its SVD, and the figure of both. Function bodies are copied into the
notebook by ``coursekit sync``, so they only use names the notebook defines.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch

from reference.initialization.data import train_x

# Given: singular value decomposition of the local linearization

def linearization_features_loop(model, inputs=train_x):
    """The feature matrix of the local linearization, one backward pass per input (the definition).

    Row ``i`` is the gradient of the scalar output ``f(x_i, w)`` with respect
    to all parameters ``w``, flattened in the order of ``model.parameters()``.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(1, 1)`` to ``(1, 1)``. Its gradients are overwritten.
    inputs : numpy.ndarray, optional
        The inputs ``x_i``, shape ``(n,)``; the training inputs by default.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, m)`` for a model with ``m`` parameters.
    """
    all_grads = []
    for idx in range(len(inputs)):
        batch_x = torch.from_numpy(inputs[idx: idx + 1]).float().unsqueeze(-1)
        pred = model(batch_x).view(-1)
        model.zero_grad()
        pred.backward()
        flattened_grads = []
        for param in model.parameters():
            flattened_grads.append(param.grad.view(-1).detach().numpy().copy())
        all_grads.append(np.concatenate(flattened_grads))
    return np.stack(all_grads)


def svd_local_linearization(model, inputs=train_x):
    """SVD of the local linearization, with the feature matrix of :func:`linearization_features_loop`.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(1, 1)`` to ``(1, 1)``. Its gradients are overwritten.
    inputs : numpy.ndarray, optional
        The inputs ``x_i``, shape ``(n,)``; the training inputs by default.

    Returns
    -------
    m : int
        Number of parameters.
    singular_values : numpy.ndarray
        Singular values of the ``(n, m)`` feature matrix, descending, shape ``(min(n, m),)``.
    principal_feature : numpy.ndarray
        ``U * S``, shape ``(n, min(n, m))``: column ``k`` is the ``k``-th principal feature.
    """
    all_grads = linearization_features_loop(model, inputs)
    u, s, _ = np.linalg.svd(all_grads, full_matrices=False)
    principal_feature = u * s
    return all_grads.shape[1], s, principal_feature


def linearization_features(model, inputs=train_x):
    """The feature matrix of the local linearization, all inputs at once with ``torch.func``.

    ``torch.func.jacrev`` differentiates the output for one input with respect
    to the parameters, and ``torch.func.vmap`` maps it over all inputs in one
    batched pass (no Python loop over the data).

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(n, 1)`` to ``(n, 1)``. Left unchanged (its ``.grad`` too).
    inputs : numpy.ndarray, optional
        The inputs ``x_i``, shape ``(n,)``; the training inputs by default.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, m)``: row ``i`` is the gradient of ``f(x_i, w)`` with
        respect to the ``m`` parameters, flattened in the order of
        ``model.parameters()``.
    """
    params = {name: p.detach() for name, p in model.named_parameters()}
    buffers = {name: b.detach() for name, b in model.named_buffers()}

    def output_for_one_input(p, x):
        return torch.func.functional_call(model, (p, buffers), (x.view(1, 1),)).view(())

    grads = torch.func.vmap(torch.func.jacrev(output_for_one_input), in_dims=(None, 0))(
        params, torch.from_numpy(inputs).float())
    n = len(inputs)
    return torch.cat([grads[name].reshape(n, -1) for name in params], dim=1).numpy()


def svd_local_linearization_batched(model, inputs=train_x):
    """Same result as :func:`svd_local_linearization`, with the batched Jacobian (fast path).

    The features come from :func:`linearization_features` instead of
    :func:`linearization_features_loop`, and the SVD from ``torch.linalg.svd``, which is about
    twice as fast as NumPy's on this matrix.

    Parameters and return values are those of :func:`svd_local_linearization`.
    """
    features = torch.from_numpy(linearization_features(model, inputs))
    u, s, _ = torch.linalg.svd(features, full_matrices=False)
    return features.shape[1], s.numpy(), (u * s).numpy()


def visualize(m, singular_values, principal_feature, inputs=train_x):
    """Plot the top singular values and principal features of a local linearization.

    Parameters
    ----------
    m : int
        Number of parameters.
    singular_values : numpy.ndarray
        Singular values, descending.
    principal_feature : numpy.ndarray
        ``U * S``, one row per input.
    inputs : numpy.ndarray, optional
        The inputs the features were computed on (the training inputs by default).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (already shown).
    """
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(14, 4))
    ax1.bar(np.arange(min(len(singular_values), 20)) + 1, singular_values[:20])
    ax1.set_title("Singular Values (Top-20)")

    for idx in range(min(m, principal_feature.shape[1], 10)):
        ax2.scatter(inputs, principal_feature[:, idx], s=1,
                    label=("feature " + str(idx + 1) if idx < 2 else None))
    ax2.set_title("Principal Features (Top-10)")
    ax2.set_xlabel("x", labelpad=0)
    ax2.set_ylabel("principal feature", labelpad=0)
    ax2.legend()

    im = ax3.scatter(principal_feature[:, 0], principal_feature[:, 1], c=inputs, s=2)
    ax3.set_title("Top-2 Features (x indicated by color)")
    ax3.set_xlabel("feature 1", labelpad=0)
    ax3.set_ylabel("feature 2", labelpad=0)
    plt.colorbar(im, ax=ax3)

    fig.tight_layout(pad=4)
    plt.show()
    return fig
