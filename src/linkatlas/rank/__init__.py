"""The rank stage: pure numpy/scipy link-equity computations (no store, no I/O).

``graph`` builds the page and domain graphs from edge lists, ``pagerank`` is the entry point
(arguments checked, the model and its stopping rule), ``solver`` the iteration (power steps,
Gauss-Seidel sweeps, extrapolation), ``links`` the graph as the compiled loops
(``_kernels``) read it, ``pool`` their threads; ``scale`` maps scores to the 0-100 ratings,
``trust`` seeds TrustRank.
"""
