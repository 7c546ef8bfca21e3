"""The rank stage: pure numpy/scipy link-equity computations (no store, no I/O).

``graph`` builds the page and domain graphs from edge lists, ``pagerank`` iterates, ``scale``
maps scores to the 0-100 ratings, ``trust`` seeds TrustRank.
"""
