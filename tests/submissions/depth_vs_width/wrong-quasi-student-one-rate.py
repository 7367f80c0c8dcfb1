"""train_quasi_linear_student trains all epochs at the learning rate 1e-2, without the slower
second phase at 1e-3."""

EXPECTED = {"test_train_quasi_linear_student": 0}


def train_quasi_linear_student(X_train, y_train, sigma, width=10, n_epochs=2000):
    student = make_MLP(X_train.shape[1], width, 2)
    initialize_layers(student, sigma)
    return student, train_model(student, X_train, y_train, n_epochs, 1e-2, progressbar=False)
