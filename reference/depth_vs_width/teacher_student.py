"""Teacher and student networks of ``depth_vs_width``: the seed's functions, graded and given."""

import random

import numpy as np
import torch
import torch.nn as nn
from tqdm.auto import tqdm


def set_seed(seed=None, seed_torch=True):
    """Seed Python's, NumPy's and (optionally) PyTorch's random generators.

    Parameters
    ----------
    seed, seed_torch : int or None, bool
        The seed (a random one when None); whether to seed PyTorch too.
    """
    if seed is None:
        seed = np.random.choice(2**32)
    random.seed(seed)
    np.random.seed(seed)
    if seed_torch:
        torch.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True


def call_with_stand_ins(fn, stand_ins, *args, **kwargs):
    """Call ``fn`` with some of the exercises it uses replaced by stand-ins.

    The tests of an exercise that calls your other exercises (``width_sweep`` calls
    ``train_model``, for example) use it, so that they test that exercise alone:
    a mistake in the others costs their own points only. Your functions are put
    back afterwards.

    Parameters
    ----------
    fn : callable
        The exercise to call.
    stand_ins : dict of str to callable
        Simple stand-ins, by the names of the exercises they replace.
    *args, **kwargs
        The arguments of ``fn``.

    Returns
    -------
    object
        What ``fn`` returns.
    """
    namespace = fn.__globals__
    yours = {name: namespace[name] for name in stand_ins if name in namespace}
    namespace.update(stand_ins)
    try:
        return fn(*args, **kwargs)
    finally:
        for name in stand_ins:
            namespace.pop(name, None)
        namespace.update(yours)


def make_MLP(n_in, W, D, nonlin="tanh"):
    """Build a fully connected network without biases.

    The input counts as a layer: depth ``D`` means ``D - 1`` hidden layers of
    width ``W``, each followed by the nonlinearity, then one output neuron.
    ``D = 2`` is a shallow network with a single hidden layer.

    Parameters
    ----------
    n_in, W, D : int
        Input dimension, width of every hidden layer, depth (at least 2).
    nonlin : {"tanh", "relu"}
        Nonlinearity after each hidden layer.

    Returns
    -------
    torch.nn.Sequential
        The network, ``2 * (D - 1) + 1`` modules.
    """
    if nonlin == "tanh":
        nonlin = nn.Tanh()
    elif nonlin == "relu":
        nonlin = nn.ReLU()
    else:
        raise ValueError(f"nonlin must be 'tanh' or 'relu', not {nonlin!r}")

    # input layer, then D - 2 hidden-to-hidden layers, then the output neuron
    layers = [nn.Linear(n_in, W, bias=False), nonlin]
    for _ in range(D - 2):
        layers.append(nn.Linear(W, W, bias=False))
        layers.append(nonlin)
    layers.append(nn.Linear(W, 1, bias=False))
    return nn.Sequential(*layers)


def get_num_params(n_in, W, D):
    """Number of learned parameters of ``make_MLP(n_in, W, D)``.

    Parameters
    ----------
    n_in, W, D : int
        Input dimension, width and depth, as in ``make_MLP``.

    Returns
    -------
    int
        Number of weights: input layer, hidden-to-hidden layers, output layer.
    """
    input_params = n_in * W
    hidden_layers_params = (D - 2) * W**2
    output_params = W
    return input_params + hidden_layers_params + output_params


def initialize_layers(net, sigma):
    """Draw every weight of ``net`` in place from N(0, sigma / sqrt(n_in)).

    The standard deviation is ``sigma / sqrt(n_in)``, ``n_in`` the fan-in of its layer.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network from ``make_MLP`` (weight matrices only, no biases).
    sigma : float
        Weight scale.
    """
    for param in net.parameters():
        n_in = param.shape[1]
        nn.init.normal_(param, std=sigma / np.sqrt(n_in))


def make_data(net, n_in, n_examples):
    """Sample Gaussian inputs and label them with the network's outputs.

    Parameters
    ----------
    net : torch.nn.Module
        The teacher network.
    n_in, n_examples : int
        Input dimension and number of examples.

    Returns
    -------
    X : torch.Tensor
        Inputs, shape ``(n_examples, n_in)``, entries from N(0, 1).
    y : torch.Tensor
        Outputs ``net(X)``, shape ``(n_examples, 1)``, detached from the graph
        so that no gradient flows into the teacher.
    """
    X = torch.randn(n_examples, n_in)
    y = net(X).detach()
    return X, y


def train_model(net, X, y, n_epochs, lr, progressbar=True):
    """Train ``net`` on ``(X, y)`` with full-batch Adam on the mean squared error.

    Parameters
    ----------
    net : torch.nn.Module
        The network to train, in place.
    X, y : torch.Tensor
        Inputs and targets.
    n_epochs, lr : int, float
        Number of full-batch steps and Adam's learning rate.
    progressbar : bool
        Whether to show a progress bar.

    Returns
    -------
    numpy.ndarray
        The loss at each epoch, measured before that epoch's step, shape
        ``(n_epochs,)``.
    """
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    Es = np.zeros(n_epochs)
    for n in tqdm(range(n_epochs)) if progressbar else range(n_epochs):
        y_pred = net(X)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        Es[n] = float(loss.detach())
    return Es


def compute_loss(net, X, y):
    """Mean squared error of ``net`` on ``(X, y)``.

    Parameters
    ----------
    net : torch.nn.Module
        The network.
    X, y : torch.Tensor
        Inputs and targets.

    Returns
    -------
    float
        The mean squared error.
    """
    loss_fn = nn.MSELoss()
    y_pred = net(X)
    loss = loss_fn(y_pred, y)
    loss = float(loss.detach())
    return loss


def create_learning_problem(sigma_teacher, n_in=5, width=5, depth=5, n_train=4000, n_test=1000, seed=-1):
    """Build a random deep teacher and draw a training set, then a test set.

    Parameters
    ----------
    sigma_teacher : float
        Weight scale of the teacher (see ``initialize_layers``).
    n_in, width, depth : int
        Input dimension, width and depth of the teacher.
    n_train, n_test : int
        Numbers of training and test examples.
    seed : int
        Seed of PyTorch's generator, set before the teacher is built.

    Returns
    -------
    teacher : torch.nn.Sequential
        The teacher network.
    X_train, y_train : torch.Tensor
        The training set, drawn first.
    X_test, y_test : torch.Tensor
        The test set, drawn second.
    """
    torch.manual_seed(seed)
    teacher = make_MLP(n_in, width, depth)
    initialize_layers(teacher, sigma_teacher)

    X_train, y_train = make_data(teacher, n_in, n_train)
    X_test, y_test = make_data(teacher, n_in, n_test)
    return teacher, X_train, y_train, X_test, y_test


def width_sweep(X_train, y_train, X_test, y_test, widths, n_epochs, lr):
    """Train a shallow student of each width and measure its relative errors.

    Each student is ``make_MLP(n_in, width, 2)`` with PyTorch's default
    initialization, trained by ``train_model`` without a progress bar and
    measured by ``compute_loss``.
    Errors are divided by the variance of the test targets, so that 1 is the
    error of predicting the mean.

    Parameters
    ----------
    X_train, y_train, X_test, y_test : torch.Tensor
        Training and test sets.
    widths : sequence of int
        Widths of the students; the errors are listed in this order.
    n_epochs, lr : int, float
        Training epochs and learning rate of each student.

    Returns
    -------
    train_errors : numpy.ndarray
        Relative training error of each student at each epoch, shape
        ``(len(widths), n_epochs)``.
    test_errors : numpy.ndarray
        Relative test error of each trained student, shape ``(len(widths),)``.
    """
    n_in = X_train.shape[1]
    y_var = float(y_test.var())
    train_errors = np.zeros((len(widths), n_epochs))
    test_errors = np.zeros(len(widths))
    for index, W_student in enumerate(widths):
        student = make_MLP(n_in, int(W_student), 2)
        Es = train_model(student, X_train, y_train, n_epochs, lr, progressbar=False)
        train_errors[index] = Es / y_var
        test_errors[index] = compute_loss(student, X_test, y_test) / y_var

    return train_errors, test_errors


def predict_width(widths, test_errors, error_target):
    """Width at which the fitted power law reaches ``error_target``.

    Fits log E = m log W + b by least squares and solves it for the width.

    Parameters
    ----------
    widths, test_errors : array_like
        Widths of the students and their test errors.
    error_target : float
        The error to reach.

    Returns
    -------
    float
        The predicted width.
    """
    m, b = np.polyfit(np.log(widths), np.log(test_errors), 1)
    return float(np.exp((np.log(error_target) - b) / m))


def generate_trajectories(W, D, P, sigma_1, sigma_2):
    """Propagate points of the unit circle through two random deep tanh nets.

    Parameters
    ----------
    W, D : int
        Width and depth of both networks.
    P : int
        Number of points, evenly spaced on the unit circle.
    sigma_1, sigma_2 : float
        Weight scales of the standard (chaotic) and quasi-linear networks.

    Returns
    -------
    traj_1, traj_2 : numpy.ndarray
        Activity of every hidden layer, shape ``(D - 1, P, W)``, in the
        standard and in the quasi-linear network.
    """
    theta = np.linspace(0, 2 * np.pi, P)
    points = np.array([np.cos(theta), np.sin(theta)]).T

    trajectories = []
    for sigma in (sigma_1, sigma_2):
        net = make_MLP(2, W, D)
        initialize_layers(net, sigma)
        activity, traj = points, []
        for weight in list(net.parameters())[:-1]:  # every layer but the output
            activity = np.tanh(activity @ weight.detach().numpy().T)
            traj.append(activity)
        trajectories.append(np.array(traj))
    return trajectories[0], trajectories[1]
