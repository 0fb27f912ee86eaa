"""site_builder: a static explainer-website generator.

Pipeline: load (seeds, pages, data) → model → markdown → charts → render → write.
See ``build.build`` for the steps in order.
"""

__version__ = "0.1.0"
