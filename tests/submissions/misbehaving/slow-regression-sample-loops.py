"""A correct ``linear_regression`` that sums outer products sample by sample instead of multiplying matrices.

On the hidden test's inputs it is 27 to 30 times slower than the reference (measured with
``timeit``: 27x for 37 samples, 30x for 50). Slow but correct: full marks.
"""

from _misbehave import replaced

EXERCISE = "linear_regression"
EXPECTED = {"status": "scored", "lost": "none"}

CODE = '''
def linear_regression(X, Y):
    M, D = X.shape
    XX = np.zeros((M, M))
    YX = np.zeros((Y.shape[0], M))
    for d in range(D):
        XX += np.outer(X[:, d], X[:, d])
        YX += np.outer(Y[:, d], X[:, d])
    return YX @ np.linalg.inv(XX)
'''


def submission(correct, notebook):
    return replaced(correct, notebook, EXERCISE, CODE)
