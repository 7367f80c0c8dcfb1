"""linear_regression forgets the inverse of X X^T: W = Y X^T."""

EXPECTED = {"test_linear_regression": 0}


def linear_regression(X, Y):
    return Y @ X.T
