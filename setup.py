"""Build of the compiled link walk; everything else is in pyproject.toml.

The extension is optional: where it cannot be built, extraction runs the Python walk, which
gives the same records (``linkatlas.extract.compiled``).
"""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension(
                "linkatlas.extract._lexbor_links",
                ["src/linkatlas/extract/_lexbor_links.pyx"],
                optional=True,
                extra_compile_args=["-O2"],
            )
        ],
        language_level=3,
    )
)
