"""The plots of ``depth_vs_width`` (given code)."""

import matplotlib.pyplot as plt
import numpy as np


def plot_loss(Es):
    """Plot the loss at each epoch, ``Es``, on a logarithmic scale."""
    plt.semilogy(Es)
    plt.xlabel("Epochs")
    plt.ylabel("Error")
    plt.title("Loss")
    plt.show()


def plot_loss_as_function_of_width(widths, test_errors, train_errors):
    """Plot test and final training errors against width on log-log axes.

    Parameters
    ----------
    widths, test_errors : array_like
        Widths of the students and their test errors.
    train_errors : numpy.ndarray
        Training error per epoch, shape ``(len(widths), n_epochs)``.
    """
    plt.loglog(widths, test_errors, ".-")
    plt.loglog(widths, train_errors[:, -1], ".-")
    plt.legend(["Test", "Train"])
    plt.xlabel("Width")
    plt.ylabel("Error")
    plt.title("Loss")
    plt.show()


def plot_students_predictions_vs_teacher_values(student, Es_train, X_test, y_test):
    """Plot a student's relative training error and its predictions on the test set.

    Parameters
    ----------
    student, Es_train : torch.nn.Module, numpy.ndarray
        The trained student and its training loss at each epoch.
    X_test, y_test : torch.Tensor
        The test set.
    """
    _, axes = plt.subplots(1, 2, figsize=(10, 5))
    axes[0].semilogy(Es_train / float(y_test.var()))
    axes[0].set_xlabel("Epochs")
    axes[0].set_ylabel("Error")
    axes[1].scatter(y_test.detach(), student(X_test).detach(), s=4)
    axes[1].set_xlabel("Teacher")
    axes[1].set_ylabel("Student")
    axes[1].locator_params(nbins=3)
    plt.tight_layout()
    plt.show()


def expressivity_visualization(layer, projected_traj_1, projected_traj_2, colors):
    """Plot one layer's activity, projected to 3-D, in the two networks side by side.

    Parameters
    ----------
    layer : int
        Hidden layer to show.
    projected_traj_1, projected_traj_2 : numpy.ndarray
        Standard and quasi-linear activity, shape ``(D - 1, P, 3)``.
    colors : numpy.ndarray
        One colour per point of the circle.
    """
    fig = plt.figure(figsize=(10, 5))
    fig.suptitle(f"Layer {layer}", fontsize=16)
    panels = [
        (projected_traj_1, "Standard Net"),
        (projected_traj_2, "Quasi-Linear Net"),
    ]
    for position, (projected_traj, title) in enumerate(panels, start=1):
        ax = fig.add_subplot(1, 2, position, projection="3d")
        points = projected_traj[layer]
        for i in range(0, len(points) - 1, 4):  # 4 segments per color: 4 times faster to draw
            ax.plot(*points[i : i + 5].T, color=colors[i])
        ax.set_title(title)
        ax.set_xlabel("X")
        ax.set_ylabel("Y")
        ax.set_zlabel("Z")
    plt.tight_layout()
    plt.show()


def plot_order_to_chaos(sigmas, chis, teachers):
    """Plot chi_1 against the weight scale, with the boundary chi_1 = 1 and the course's teachers.

    Parameters
    ----------
    sigmas, chis : array_like
        Weight scales and their chi_1.
    teachers : dict
        Name -> (sigma_w, chi_1) of the networks to mark.
    """
    plt.figure(figsize=(7, 4))
    plt.plot(sigmas, chis, label=r"$\chi_1(\sigma_w)$")
    plt.axhline(1, color="gray", linestyle="--", label=r"$\chi_1 = 1$")
    plt.axvline(1, color="gray", linestyle=":", label=r"$\sigma_w = 1$")
    plt.fill_between(sigmas, 0, 1, where=np.asarray(chis) < 1, color="tab:blue", alpha=0.1, label="ordered")
    plt.fill_between(sigmas, 1, np.max(chis), where=np.asarray(chis) > 1, color="tab:red", alpha=0.1,
                     label="chaotic")
    for name, (sigma, chi) in teachers.items():
        plt.plot(sigma, chi, "o", color="black")
        plt.annotate(name, (sigma, chi), textcoords="offset points", xytext=(6, -12))
    plt.xlabel(r"weight scale $\sigma_w$")
    plt.ylabel(r"$\chi_1$")
    plt.title("Order to chaos in deep tanh networks without bias")
    plt.legend(loc="upper left")
    plt.show()
