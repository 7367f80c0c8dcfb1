"""Reference implementation of the assignment ``deep_linear_networks``.

Neuromatch Academy W1D2 Tutorial 3, "Deep linear neural networks": a linear
network with one hidden layer learns hierarchically structured data; its
learning dynamics are read off the singular values of the total weight
(Saxe, McClelland & Ganguli 2013; Saxe et al. 2019, PNAS).

The graded functions are ``initializer_``, ``net_svd``, ``net_rsm`` and
``linear_regression``. Everything else here is given code that the notebook
shows to students as it is. Function bodies are copied into the notebook by
``coursekit sync``, so they only use names the notebook defines.
"""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


class LNNet(nn.Module):
    """A linear neural network with one hidden layer and no biases.

    Parameters
    ----------
    in_dim : int
        Input dimension.
    hid_dim : int
        Number of hidden units.
    out_dim : int
        Output dimension.
    """

    def __init__(self, in_dim, hid_dim, out_dim):
        super().__init__()
        self.in_hid = nn.Linear(in_dim, hid_dim, bias=False)
        self.hid_out = nn.Linear(hid_dim, out_dim, bias=False)

    def forward(self, x):
        """Return the prediction and the hidden activity for inputs ``x``."""
        hid = self.in_hid(x)  # hidden activity
        out = self.hid_out(hid)  # output (prediction)
        return out, hid


def initializer_(model, gamma=1e-12):
    """Re-initialize every weight of ``model`` in place.

    Each weight matrix of shape ``(n_out, n_in)`` is drawn from
    N(0, sigma) with sigma = gamma / sqrt(n_in + n_out).

    Parameters
    ----------
    model : torch.nn.Module
        A network whose parameters are all weight matrices (no biases).
    gamma : float
        Initialization scale.

    Returns
    -------
    None
    """
    for weight in model.parameters():
        n_out, n_in = weight.shape
        sigma = gamma / math.sqrt(n_in + n_out)
        nn.init.normal_(weight, mean=0.0, std=sigma)


def net_svd(model, in_dim):
    """Singular value decomposition of the network's total weight.

    W_tot = W_L ... W_2 W_1 is the product of the layers' weights, the last
    layer leftmost. Its SVD follows ``torch.svd``'s convention:
    W_tot = U diag(S) V^T, singular values in descending order.

    Parameters
    ----------
    model : torch.nn.Module
        A linear network whose parameters are its weights, first layer first.
    in_dim : int
        Input dimension of the network.

    Returns
    -------
    U : torch.Tensor
        Left singular vectors, shape ``(out_dim, k)``.
    S : torch.Tensor
        Singular values, shape ``(k,)``, descending.
    V : torch.Tensor
        Right singular vectors (not transposed), shape ``(in_dim, k)``.
    """
    W_tot = torch.eye(in_dim)
    for weight in model.parameters():
        W_tot = weight.detach() @ W_tot
    U, S, V = torch.svd(W_tot)
    return U, S, V


def net_rsm(h):
    """Representational similarity matrix of hidden activity.

    Parameters
    ----------
    h : torch.Tensor
        Hidden activity, one row per item, shape ``(n_items, n_hidden)``.

    Returns
    -------
    torch.Tensor
        The matrix h h^T of dot products between items, shape ``(n_items, n_items)``.
    """
    rsm = h @ h.T
    return rsm


def linear_regression(X, Y):
    """Analytical solution of multivariate linear regression.

    Finds W minimizing ||Y - W X||^2: W = Y X^T (X X^T)^-1.

    Parameters
    ----------
    X : numpy.ndarray
        Design matrix, one column per sample, shape ``(M, D)``.
    Y : numpy.ndarray
        Targets, one column per sample, shape ``(N, D)``.

    Returns
    -------
    numpy.ndarray
        The weights W, shape ``(N, M)``.
    """
    assert isinstance(X, np.ndarray)
    assert isinstance(Y, np.ndarray)
    M, Dx = X.shape
    N, Dy = Y.shape
    assert Dx == Dy
    W = Y @ X.T @ np.linalg.inv(X @ X.T)
    return W


def train(model, inputs, targets, n_epochs, lr, illusory_i=0):
    """Train ``model`` by full-batch gradient descent and record its dynamics.

    Parameters
    ----------
    model : torch.nn.Module
        A network whose forward pass returns ``(prediction, hidden activity)``.
    inputs : torch.Tensor
        Inputs, shape ``(n_samples, in_dim)``.
    targets : torch.Tensor
        Targets, shape ``(n_samples, out_dim)``.
    n_epochs : int
        Number of gradient steps.
    lr : float
        Learning rate.
    illusory_i : int
        Index of the item whose prediction of the last feature is recorded.

    Returns
    -------
    losses : numpy.ndarray
        Mean squared error at each epoch, shape ``(n_epochs,)``.
    modes : numpy.ndarray
        Singular values of W_tot at each epoch, shape ``(n_epochs, in_dim)``.
    rs_mats : numpy.ndarray
        Representational similarity matrices, shape ``(n_epochs, n, n)``.
    illusions : numpy.ndarray
        Prediction of the last feature for item ``illusory_i`` at each epoch.
    """
    in_dim = inputs.size(1)

    losses = np.zeros(n_epochs)  # loss records
    modes = np.zeros((n_epochs, in_dim))  # singular values (modes) records
    rs_mats = []  # representational similarity matrices
    illusions = np.zeros(n_epochs)  # prediction for the given feature

    optimizer = optim.SGD(model.parameters(), lr=lr)
    criterion = nn.MSELoss()

    for i in range(n_epochs):
        optimizer.zero_grad()
        predictions, hiddens = model(inputs)
        loss = criterion(predictions, targets)
        loss.backward()
        optimizer.step()

        # Section 2: singular value decomposition
        U, S, V = net_svd(model, in_dim)

        # Section 3: representational similarity matrix
        RSM = net_rsm(hiddens.detach())

        # Section 4: prediction of the last feature for item illusory_i
        pred_ij = predictions.detach()[illusory_i, -1]

        losses[i] = loss.item()
        modes[i] = S.detach().numpy()
        rs_mats.append(RSM.numpy())
        illusions[i] = pred_ij.numpy()

    return losses, modes, np.array(rs_mats), illusions


def build_tree(n_levels, n_branches, probability, to_np_array=True):
    """Build a tree for the branching diffusion process.

    Parameters
    ----------
    n_levels : int
        Depth of the tree.
    n_branches : int
        Children of every node.
    probability : float
        Probability that a node flips the sign it passes on.
    to_np_array : bool
        Store the tree's fields as numpy arrays.

    Returns
    -------
    dict
        ``level``, ``pflip`` and ``parent`` of every node, root first.
    """
    assert 0.0 <= probability <= 1.0

    tree = {}
    tree["level"] = [0]
    for i in range(1, n_levels + 1):
        tree["level"].extend([i] * (n_branches**i))

    tree["pflip"] = [probability] * len(tree["level"])

    tree["parent"] = [None]
    k = len(tree["level"]) - 1
    for j in range(k // n_branches):
        tree["parent"].extend([j] * n_branches)

    if to_np_array:
        tree["level"] = np.array(tree["level"])
        tree["pflip"] = np.array(tree["pflip"])
        tree["parent"] = np.array(tree["parent"])

    return tree


def sample_from_tree(tree, n):
    """Sample ``n`` features of the tree's leaves by branching diffusion.

    Parameters
    ----------
    tree : dict
        A tree made by ``build_tree`` with ``to_np_array=True``.
    n : int
        Number of features to sample.

    Returns
    -------
    numpy.ndarray
        One row per feature and one column per leaf (item), entries +1 or -1.
    """
    items = [i for i, v in enumerate(tree["level"]) if v == max(tree["level"])]
    n_items = len(items)
    x = np.zeros(shape=(n, n_items))
    rand_temp = np.random.rand(n, len(tree["pflip"]))
    flip_temp = np.repeat(tree["pflip"].reshape(1, -1), n, 0)
    samp = (rand_temp > flip_temp) * 2 - 1

    for i in range(n_items):
        j = items[i]
        prop = samp[:, j]
        while tree["parent"][j] is not None:
            j = tree["parent"][j]
            prop = prop * samp[:, j]
        x[:, i] = prop.T
    return x


def generate_hsd():
    """Generate the hierarchically structured data set.

    Three levels of two branches (8 items), flip probability 0.15 (0.5 at
    the root) and 10000 sampled features.

    Returns
    -------
    tree_labels : numpy.ndarray
        One-hot item labels, shape ``(8, 8)``.
    tree_features : numpy.ndarray
        Features of each item, shape ``(8, 10000)``.
    """
    n_branches = 2  # 2 branches at each node
    probability = 0.15  # flipping probability
    n_levels = 3  # number of levels (depth of tree)
    tree = build_tree(n_levels, n_branches, probability, to_np_array=True)
    tree["pflip"][0] = 0.5
    n_samples = 10000  # sample this many features

    tree_labels = np.eye(n_branches**n_levels)
    tree_features = sample_from_tree(tree, n_samples).T
    return tree_labels, tree_features


def add_feature(existing_features, new_feature):
    """Append one feature (a column) to the items' features.

    Parameters
    ----------
    existing_features : numpy.ndarray
        Features already present, shape ``(n_items, n_features)``.
    new_feature : list
        The new feature's value for each item.

    Returns
    -------
    numpy.ndarray
        The features with the new one last, shape ``(n_items, n_features + 1)``.
    """
    assert isinstance(existing_features, np.ndarray)
    assert isinstance(new_feature, list)
    new_feature = np.array([new_feature]).T
    return np.hstack((existing_features, new_feature))
