"""The analyst's explorer: ipywidgets in JupyterLab over a precomputed cube of counts, with the
same privacy rules as the reports (``notebooks/explore.ipynb``)."""
