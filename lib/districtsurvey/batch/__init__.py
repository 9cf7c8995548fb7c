"""The coach's batch: one notebook per department plus the district summary, run on warm kernels
(or a Dask cluster), exported to HTML (and PDF), with a manifest of what ran."""
