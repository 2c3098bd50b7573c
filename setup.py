"""Package list for setuptools; everything else is in setup.cfg.

The top-level `zoo/` directory (pretrained presets) is installed as the
package `keras_ssl.zoo`, so presets load offline after `pip install .`.
"""

from setuptools import find_packages
from setuptools import setup

setup(
    packages=find_packages(include=["keras_ssl", "keras_ssl.*"]) + ["keras_ssl.zoo"],
    package_dir={"keras_ssl.zoo": "zoo"},
)
