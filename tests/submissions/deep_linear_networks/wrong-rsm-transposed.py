"""net_rsm computes h.T @ h, the similarity of hidden units instead of items."""

EXPECTED = {"test_net_rsm": 0}


def net_rsm(h):
    return h.T @ h
